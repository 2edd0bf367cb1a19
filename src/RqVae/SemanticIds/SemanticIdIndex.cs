using RqVae.Tokenizers;
namespace RqVae.SemanticIds;

/// <summary>
/// An index over a catalogue's semantic IDs, built once, that answers "which items are most similar
/// to this ID": ranked by shared prefix length (longest first), ties broken by the distance between
/// code vectors (nearest first), then by row. Rows are kept sorted by ID, so the items sharing any
/// prefix with the query form one contiguous range found by binary search; a query touches only the
/// ranges it needs, never the whole catalogue unless fewer than k items share even the first code.
/// Immutable and safe for concurrent queries.
/// </summary>
public sealed class SemanticIdIndex
{
    private readonly SemanticIdTable ids;
    private readonly IReadOnlyList<float[]> codebooks;
    private readonly int codeDimension;
    private readonly int[] sorted;       // rows ordered by ID, lexicographically
    private readonly int[] sortedCodes;  // the IDs in that order, row-major, for cache-friendly search
    private readonly float[] codeVectors; // code vector of each row in sorted order, [N, D]: a prefix range is one contiguous block

    /// <summary>Indexes <paramref name="ids"/>; <paramref name="codebooks"/> (per level, [K, D] row-major) give the code vectors.</summary>
    public SemanticIdIndex(SemanticIdTable ids, IReadOnlyList<float[]> codebooks, int codeDimension)
    {
        this.ids = ids ?? throw new ArgumentNullException(nameof(ids));
        this.codebooks = codebooks ?? throw new ArgumentNullException(nameof(codebooks));
        ArgumentOutOfRangeException.ThrowIfLessThan(codeDimension, 1);
        if (codebooks.Count != ids.Levels) throw new ArgumentException($"{codebooks.Count} codebooks for IDs of {ids.Levels} levels.", nameof(codebooks));
        for (var l = 0; l < codebooks.Count; l++)
        {
            var k = codebooks[l].Length / codeDimension;
            if (codebooks[l].Length % codeDimension != 0) throw new ArgumentException($"Codebook {l} has {codebooks[l].Length} values, not a whole number of codes of {codeDimension}.", nameof(codebooks));
            for (var r = 0; r < ids.Count; r++)
                if ((uint)ids.Code(r, l) >= (uint)k) throw new ArgumentException($"Row {r} has code {ids.Code(r, l)} at level {l}, but that codebook has {k} codes.", nameof(ids));
        }
        this.codeDimension = codeDimension;
        var levels = ids.Levels;
        sorted = Enumerable.Range(0, ids.Count).ToArray();
        var table = ids;
        Array.Sort(sorted, (a, b) =>
        {
            var c = table[a].SequenceCompareTo(table[b]);
            return c != 0 ? c : a.CompareTo(b);
        });
        sortedCodes = new int[ids.Count * levels];
        for (var i = 0; i < sorted.Length; i++) ids[sorted[i]].CopyTo(sortedCodes.AsSpan(i * levels, levels));
        codeVectors = new float[ids.Count * codeDimension];
        for (var i = 0; i < sorted.Length; i++)
            SemanticIdSimilarity.CodeVector(codebooks, ids[sorted[i]], codeVectors.AsSpan(i * codeDimension, codeDimension));
    }

    /// <summary>Indexes the IDs a tokenizer gave, with that tokenizer's codebooks.</summary>
    public static SemanticIdIndex Build(Tokenizers.ISemanticIdTokenizer tokenizer, SemanticIdTable ids)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new SemanticIdIndex(ids, tokenizer.Codebooks(), tokenizer.CodeDimension);
    }

    /// <summary>Number of indexed items.</summary>
    public int Count => ids.Count;

    /// <summary>The indexed IDs.</summary>
    public SemanticIdTable Ids => ids;

    /// <summary>The <paramref name="k"/> items most similar to the item at <paramref name="row"/>, the item itself excluded.</summary>
    public IReadOnlyList<SimilarItem> SimilarTo(int row, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, ids.Count);
        return Query(ids[row], k, row);
    }

    /// <summary>The <paramref name="k"/> items most similar to <paramref name="id"/>, leaving out <paramref name="excludeRow"/> if given.</summary>
    public IReadOnlyList<SimilarItem> Query(ReadOnlySpan<int> id, int k, int? excludeRow = null)
    {
        if (id.Length != ids.Levels) throw new ArgumentException($"The query ID has {id.Length} codes; the index holds IDs of {ids.Levels}.", nameof(id));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Span<float> query = codeDimension <= 512 ? stackalloc float[codeDimension] : new float[codeDimension];
        SemanticIdSimilarity.CodeVector(codebooks, id, query);
        var results = new List<SimilarItem>(k);
        // [lo, hi) is the range of rows sharing the current prefix; it widens as the prefix shortens.
        var (doneLo, doneHi) = (0, 0);
        // The best `need` candidates of one prefix length, kept sorted by (distance, row): a bounded
        // insertion buffer instead of collecting and sorting every candidate of a wide range.
        var best = new SimilarItem[k];
        for (var prefix = ids.Levels; prefix >= 0 && results.Count < k; prefix--)
        {
            var (lo, hi) = prefix == 0 ? (0, ids.Count) : PrefixRange(id[..prefix]);
            var need = k - results.Count;
            var count = 0;
            for (var i = lo; i < hi; i++)
            {
                if (i >= doneLo && i < doneHi) { i = doneHi - 1; continue; }
                var r = sorted[i];
                if (r == excludeRow) continue;
                var distance = Distance(query, i);
                if (count == need && !Before(distance, r, best[count - 1])) continue;
                var at = count < need ? count++ : need - 1;
                while (at > 0 && Before(distance, r, best[at - 1])) { best[at] = best[at - 1]; at--; }
                best[at] = new SimilarItem(r, prefix, distance);
            }
            for (var c = 0; c < count; c++) results.Add(best[c]);
            if (hi > lo) (doneLo, doneHi) = (lo, hi);
        }
        return results;
    }

    private (int Lo, int Hi) PrefixRange(ReadOnlySpan<int> prefix)
    {
        var levels = ids.Levels;
        int LowerBound(ReadOnlySpan<int> p, bool upper)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                var c = sortedCodes.AsSpan(mid * levels, p.Length).SequenceCompareTo(p);
                if (c < 0 || (upper && c == 0)) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
        return (LowerBound(prefix, false), LowerBound(prefix, true));
    }

    /// <summary>Ranks (distance, row) before <paramref name="item"/>: nearer first, then the lower row.</summary>
    private static bool Before(float distance, int row, SimilarItem item)
        => distance < item.Distance || (distance == item.Distance && row < item.Row);

    /// <summary>Euclidean distance from the query to the code vector at sorted position <paramref name="position"/>.</summary>
    private float Distance(ReadOnlySpan<float> query, int position)
        => SemanticIdSimilarity.CodeVectorDistance(query, codeVectors.AsSpan(position * codeDimension, codeDimension));
}
