namespace RqVae.Catalogue.Stores;

/// <summary>The Sqlite catalogue store (being written).</summary>
public sealed class SqliteCatalogueStore
{
    /// <summary>Opens or creates the store.</summary>
    public static Task<ICatalogueStore> OpenAsync(string location, CatalogueModel? model, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
