namespace RqVae.Catalogue.Stores;

/// <summary>A catalogue store cannot be used as asked: it is missing, unreachable, not a store, or refuses the request. The message says what to do.</summary>
public class CatalogueStoreException : Exception
{
    /// <summary>Creates the exception for the store at <paramref name="location"/>.</summary>
    public CatalogueStoreException(string location, string message, Exception? innerException = null)
        : base($"{location}: {message}", innerException) => Location = location;

    /// <summary>The store (path, or server and database).</summary>
    public string Location { get; }
}
