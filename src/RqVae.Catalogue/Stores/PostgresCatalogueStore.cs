namespace RqVae.Catalogue.Stores;

/// <summary>The Postgres catalogue store (being written).</summary>
public sealed class PostgresCatalogueStore
{
    /// <summary>Opens or creates the store.</summary>
    public static Task<ICatalogueStore> OpenAsync(string location, CatalogueModel? model, CancellationToken cancellationToken = default)
        => throw new NotImplementedException();
}
