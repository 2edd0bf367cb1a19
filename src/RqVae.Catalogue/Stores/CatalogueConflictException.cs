namespace RqVae.Catalogue.Stores;

/// <summary>An import would give an item a second ID, or one ID to two items; nothing of the batch was stored.</summary>
public sealed class CatalogueConflictException : CatalogueStoreException
{
    /// <summary>Creates the exception for <paramref name="itemId"/>.</summary>
    public CatalogueConflictException(string location, string itemId, string message) : base(location, message) => ItemId = itemId;

    /// <summary>The item in conflict.</summary>
    public string ItemId { get; }
}
