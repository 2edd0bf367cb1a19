namespace RqVae.SemanticIds;

/// <summary>
/// Semantic IDs of N items as an [N, L] table of codes, stored row-major: row i holds
/// (c_0, …, c_{L−1}) of item i. Immutable once built.
/// </summary>
public sealed class SemanticIdTable
{
    private readonly int[] codes;

    /// <summary>Wraps <paramref name="codes"/> (row-major, length N·L) without copying.</summary>
    public SemanticIdTable(int[] codes, int levels)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        if (codes.Length % levels != 0)
            throw new ArgumentException($"The code array has {codes.Length} entries, which is not a multiple of {levels} levels.", nameof(codes));
        this.codes = codes;
        Levels = levels;
    }

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

    /// <summary>Concatenates tables of the same width, in order.</summary>
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
        return new SemanticIdTable(codes.AsSpan(start * Levels, count * Levels).ToArray(), Levels);
    }

    /// <summary>The ID of <paramref name="row"/> as text, e.g. "12-24-52".</summary>
    public string Format(int row) => string.Join('-', this[row].ToArray());
}
