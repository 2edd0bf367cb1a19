namespace RqVae.Catalogue.Stores;

/// <summary>One branch of the code tree under a prefix.</summary>
/// <param name="Code">The next code after the prefix (the collision code when the prefix has all L codes).</param>
/// <param name="Items">How many items (retired ones included: their IDs stay taken) have the prefix followed by this code.</param>
/// <param name="Titles">A few of their titles, in ID order (items without a title are left out).</param>
public sealed record CatalogueChild(int Code, long Items, IReadOnlyList<string> Titles);
