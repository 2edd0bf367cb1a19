namespace RqVae.Catalogue.Stores;

/// <summary>An item with an ID it already has (from an ID table), to be stored as it is.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Id">Its full ID, kept exactly.</param>
/// <param name="Title">A title, or null.</param>
public sealed record ImportedCatalogueItem(string ItemId, CatalogueId Id, string? Title = null);
