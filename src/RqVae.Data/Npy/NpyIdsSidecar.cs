namespace RqVae.Data.Npy;

/// <summary>
/// A .npy holds numbers only, so the item ids of a vectors file live beside it, one per line: <c>vectors.npy</c> →
/// <c>vectors.ids.txt</c>. The writer of vectors and the reader of items both follow this one rule.
/// </summary>
public static class NpyIdsSidecar
{
    /// <summary>Where the ids of <paramref name="npyPath"/> live.</summary>
    public static string PathFor(string npyPath) => Path.ChangeExtension(npyPath, ".ids.txt");
}
