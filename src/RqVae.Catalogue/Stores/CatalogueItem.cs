namespace RqVae.Catalogue.Stores;

/// <summary>An item as the store holds it.</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Id">The full ID it was given; never recomputed.</param>
/// <param name="Title">Its title, or null.</param>
/// <param name="Origin">How it got its ID: <see cref="CatalogueItemOrigin.Assigned"/> or <see cref="CatalogueItemOrigin.Imported"/>.</param>
/// <param name="AssignedAt">When the ID was stored (UTC).</param>
/// <param name="RetiredAt">When the item was retired (UTC), or null while it is active. A retired item keeps its ID, which no other item gets.</param>
/// <param name="Sequence">The order in which items entered the store (import order, then assignment order); export writes rows in it.</param>
public sealed record CatalogueItem(string ItemId, CatalogueId Id, string? Title, CatalogueItemOrigin Origin, DateTimeOffset AssignedAt, DateTimeOffset? RetiredAt, long Sequence)
{
    /// <summary>Whether the item was retired.</summary>
    public bool Retired => RetiredAt is not null;
}

/// <summary>How an item got its ID.</summary>
public enum CatalogueItemOrigin
{
    /// <summary>Assigned by the store (<see cref="ICatalogueStore.AssignAsync"/>).</summary>
    Assigned,

    /// <summary>Imported with an ID it already had (<see cref="ICatalogueStore.ImportAsync"/>).</summary>
    Imported,
}
