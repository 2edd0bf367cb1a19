namespace RqVae.Catalogue.Stores;

/// <summary>The store's schema is one this program cannot use: written by a newer version, or not a catalogue store at all.</summary>
public sealed class CatalogueSchemaException : CatalogueStoreException
{
    /// <summary>Creates the exception.</summary>
    public CatalogueSchemaException(string location, string message, Exception? innerException = null) : base(location, message, innerException) { }
}
