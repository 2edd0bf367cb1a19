namespace RqVae.Data.IdTables;

/// <summary>Semantic ids of items: for each item, <see cref="Levels"/> codes, stored row-major.</summary>
public sealed class SemanticIdTable
{
    /// <summary>Creates a table, checking that the sizes agree.</summary>
    public SemanticIdTable(string[] ids, int[] codes, int levels, string? modelHash = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        if ((long)ids.Length * levels != codes.Length)
            throw new ArgumentException($"{ids.Length} ids × {levels} levels ≠ {codes.Length} codes.", nameof(codes));
        Ids = ids;
        Codes = codes;
        Levels = levels;
        ModelHash = modelHash;
    }

    /// <summary>Item ids, one per row.</summary>
    public string[] Ids { get; }

    /// <summary>Codes, row-major: item r has <c>Codes[r*Levels .. (r+1)*Levels)</c>.</summary>
    public int[] Codes { get; }

    /// <summary>Codes per item (the semantic id length).</summary>
    public int Levels { get; }

    /// <summary>Number of items.</summary>
    public int Rows => Ids.Length;

    /// <summary>Identifies the model that produced the codes, when recorded; carried through unchanged.</summary>
    public string? ModelHash { get; }

    /// <summary>The codes of row <paramref name="row"/> (0-based).</summary>
    public ReadOnlySpan<int> Row(int row) => Codes.AsSpan(row * Levels, Levels);
}
