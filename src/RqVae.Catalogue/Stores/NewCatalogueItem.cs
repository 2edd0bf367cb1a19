namespace RqVae.Catalogue.Stores;

/// <summary>An item to give an ID: its id, the L codes the frozen tokenizer encoded for it now, and an optional title.</summary>
/// <param name="ItemId">The catalogue's own id of the item (non-empty); the store is keyed by it.</param>
/// <param name="Codes">The L codes the tokenizer gives the item now (each in 0 … K − 1).</param>
/// <param name="Title">A human-readable title for browsing and search, or null. Kept from the item's first assignment.</param>
public sealed record NewCatalogueItem(string ItemId, IReadOnlyList<int> Codes, string? Title = null);
