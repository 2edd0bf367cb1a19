namespace RqVae.Catalogue.Stores;

/// <summary>
/// Opens a catalogue store from where it is: a file path is an SQLite store (the embedded default, created on first
/// open), a <c>postgres://…</c> / <c>postgresql://…</c> URI or an Npgsql connection string (<c>Host=…;Database=…</c>)
/// a PostgreSQL store, for several processes sharing one catalogue. The one place that tells the backends apart.
/// </summary>
public static class CatalogueStores
{
    /// <summary>
    /// Opens the store at <paramref name="location"/>. With <paramref name="model"/>, a store that does not exist yet is
    /// created for it, and a store made for another model is refused; without, the store must exist and its recorded
    /// model is used (export, inspection).
    /// </summary>
    /// <exception cref="CatalogueModelMismatchException">The store belongs to another model.</exception>
    /// <exception cref="CatalogueSchemaException">The store was written by a newer version, or is not a catalogue store.</exception>
    /// <exception cref="CatalogueStoreException">The store is missing (without a model) or cannot be reached.</exception>
    public static Task<ICatalogueStore> OpenAsync(string location, CatalogueModel? model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        model?.Validate();
        return IsPostgres(location)
            ? PostgresCatalogueStore.OpenAsync(location, model, cancellationToken)
            : SqliteCatalogueStore.OpenAsync(location, model, cancellationToken);
    }

    /// <summary>Whether <paramref name="location"/> names a PostgreSQL store (a URI or a connection string) rather than a file.</summary>
    public static bool IsPostgres(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var text = location.TrimStart();
        return text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || LooksLikeConnectionString(text);
    }

    private static bool LooksLikeConnectionString(string text)
    {
        var first = text.Split(';', 2)[0];
        var equals = first.IndexOf('=');
        if (equals <= 0) return false;
        var key = first[..equals].Trim();
        return key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase)
            || key.Equals("Database", StringComparison.OrdinalIgnoreCase) || key.Equals("Username", StringComparison.OrdinalIgnoreCase)
            || key.Equals("User ID", StringComparison.OrdinalIgnoreCase) || key.Equals("Port", StringComparison.OrdinalIgnoreCase);
    }
}
