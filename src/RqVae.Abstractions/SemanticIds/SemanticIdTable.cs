namespace RqVae.SemanticIds;

/// <summary>
/// Semantic IDs of N items as an [N, L] table of codes, stored row-major: row i holds
/// (c_0, …, c_{L−1}) of item i; optionally the item id of each row and the hash of the model that produced
/// the codes, as a table read from or written to a file carries them. Immutable once built.
/// </summary>
public sealed class SemanticIdTable
{
    private readonly int[] codes;
    private readonly string[]? itemIds;

    /// <summary>Wraps <paramref name="codes"/> (row-major, length N·L) without copying; rows have no item ids.</summary>
    public SemanticIdTable(int[] codes, int levels)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        if (codes.Length % levels != 0)
            throw new ArgumentException($"The code array has {codes.Length} entries, which is not a multiple of {levels} levels.", nameof(codes));
        this.codes = codes;
        Levels = levels;
    }

    /// <summary>Wraps the ids and codes of N items without copying, checking that the sizes agree.</summary>
    /// <param name="itemIds">The item id of each row.</param>
    /// <param name="codes">Row-major codes, length N·<paramref name="levels"/>.</param>
    /// <param name="levels">Codes per item.</param>
    /// <param name="modelHash">Identifies the model that produced the codes, when known.</param>
    public SemanticIdTable(string[] itemIds, int[] codes, int levels, string? modelHash = null) : this(codes, levels)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        if ((long)itemIds.Length * levels != codes.Length)
            throw new ArgumentException($"{itemIds.Length} ids × {levels} levels ≠ {codes.Length} codes.", nameof(codes));
        this.itemIds = itemIds;
        ModelHash = modelHash;
    }

    /// <summary>The item id of each row; null when the table holds codes only (as a tokenizer's <c>Encode</c> returns them).</summary>
    public IReadOnlyList<string>? ItemIds => itemIds;

    /// <summary>Identifies the model that produced the codes (its weights SHA-256), when recorded; carried through unchanged.</summary>
    public string? ModelHash { get; }

    /// <summary>The same codes labelled with <paramref name="ids"/> and <paramref name="modelHash"/> (the codes are shared, not copied).</summary>
    public SemanticIdTable WithItems(string[] ids, string? modelHash = null) => new(ids, codes, Levels, modelHash);

    /// <summary>The item id of <paramref name="row"/>; throws when the table has no item ids.</summary>
    public string ItemId(int row) => itemIds is null
        ? throw new InvalidOperationException("This table holds codes only; it has no item ids.")
        : itemIds[row];

    /// <summary>L, the length of each ID.</summary>
    public int Levels { get; }

    /// <summary>N, the number of items.</summary>
    public int Count => codes.Length / Levels;

    /// <summary>The ID of item <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> this[int row] => codes.AsSpan(row * Levels, Levels);

    /// <summary>All codes, row-major.</summary>
    public ReadOnlySpan<int> Codes => codes;

    /// <summary>Code of item <paramref name="row"/> at level <paramref name="level"/>.</summary>
    public int Code(int row, int level) => codes[row * Levels + level];

    /// <summary>Concatenates the codes of tables of the same width, in order (the result has no item ids).</summary>
    public static SemanticIdTable Concat(IReadOnlyList<SemanticIdTable> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Nothing to concatenate.", nameof(parts));
        var levels = parts[0].Levels;
        if (parts.Any(p => p.Levels != levels)) throw new ArgumentException("All tables must have the same number of levels.", nameof(parts));
        var all = new int[parts.Sum(p => p.codes.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.codes.CopyTo(all, offset);
            offset += part.codes.Length;
        }
        return new SemanticIdTable(all, levels);
    }

    /// <summary>A copy of rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1.</summary>
    public SemanticIdTable Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > Count) throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count - 1} are outside the table's {Count} rows.");
        var slice = codes.AsSpan(start * Levels, count * Levels).ToArray();
        return itemIds is null ? new SemanticIdTable(slice, Levels) : new SemanticIdTable(itemIds.AsSpan(start, count).ToArray(), slice, Levels, ModelHash);
    }

    /// <summary>
    /// The first <paramref name="levels"/> codes of every ID, with the same item ids and model hash: the IDs a
    /// tokenizer encodes, from a table whose extra last code only numbers the items that share them.
    /// </summary>
    public SemanticIdTable Prefixes(int levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(levels, Levels);
        if (levels == Levels) return this;
        var result = new int[Count * levels];
        for (var r = 0; r < Count; r++) codes.AsSpan(r * Levels, levels).CopyTo(result.AsSpan(r * levels, levels));
        return itemIds is null ? new SemanticIdTable(result, levels) : new SemanticIdTable(itemIds, result, levels, ModelHash);
    }

    /// <summary>The ID of <paramref name="row"/> as text, e.g. "12-24-52".</summary>
    public string Format(int row) => string.Join('-', this[row].ToArray());
}
