namespace RqVae.Catalogue.Stores;

/// <summary>The store keeps the IDs of another model (or the same model with other levels or codebook size): its IDs mean nothing to this one.</summary>
public sealed class CatalogueModelMismatchException : CatalogueStoreException
{
    /// <summary>Creates the exception naming both models.</summary>
    public CatalogueModelMismatchException(string location, CatalogueModel stored, CatalogueModel given)
        : base(location, Describe(stored, given))
    {
        Stored = stored;
        Given = given;
    }

    /// <summary>The model the store was created for.</summary>
    public CatalogueModel Stored { get; }

    /// <summary>The model it was opened with.</summary>
    public CatalogueModel Given { get; }

    private static string Describe(CatalogueModel stored, CatalogueModel given)
    {
        var what = stored.NormalizedHash != given.NormalizedHash
            ? $"the store keeps the IDs of model {stored.NormalizedHash}, not of this model ({given.NormalizedHash})"
            : $"the store was made for {stored.Levels} levels of {stored.CodebookSize} codes, the model has {given.Levels} of {given.CodebookSize}";
        return what + "; its IDs mean nothing to this model. Use the model the store was made for, or give this model a new store (another --store path or database) and import or assign its items there.";
    }
}
