namespace RqVae.Recommender.Tiger;

/// <summary>
/// LIGER's ranking, shared by both TIGER networks: the beam's generated candidates plus every cold item, the excluded
/// items dropped, ordered by the dense head's cosine to each item's content embedding (ties to the smaller item).
/// Items the network never saw in training are thereby recommended on their content alone.
/// </summary>
internal static class DenseRanking
{
    /// <summary>
    /// The top <paramref name="k"/> of <paramref name="generated"/> ∪ <paramref name="coldItems"/> minus
    /// <paramref name="excluded"/>, by <paramref name="similarity"/>[item] (one row of the head's cosines, indexed by item).
    /// </summary>
    public static int[] Rerank(IEnumerable<int> generated, IReadOnlyList<int> coldItems, ReadOnlySpan<float> similarity, IReadOnlyCollection<int>? excluded, int k)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(coldItems);
        var skip = excluded is { Count: > 0 } e ? e as ISet<int> ?? new HashSet<int>(e) : null;
        var candidates = new List<(int Item, float Score)>();
        var seen = new HashSet<int>();
        foreach (var item in generated.Concat(coldItems))
        {
            if (item < 0 || (skip is not null && skip.Contains(item)) || !seen.Add(item)) continue;
            candidates.Add((item, similarity[item]));
        }
        candidates.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Item.CompareTo(b.Item));
        return [.. candidates.Take(k).Select(c => c.Item)];
    }

    /// <summary>
    /// The generative ranking with cold items placed by the dense head: the same candidates as <see cref="Rerank"/>,
    /// ordered by cosine only to decide which of the top <paramref name="k"/> places go to cold items; the cold places are
    /// filled by the cold items in cosine order, the others by the generated warm items in their generative order
    /// (<paramref name="generated"/> is best first). The warm items keep the beam's order, which the cosine ranks worse.
    /// </summary>
    public static int[] Interleave(IReadOnlyList<int> generated, IReadOnlyList<int> coldItems, ReadOnlySpan<float> similarity, IReadOnlyCollection<int>? excluded, int k)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(coldItems);
        var isCold = new HashSet<int>(coldItems);
        var byCosine = Rerank(generated, coldItems, similarity, excluded, k);
        var skip = excluded is { Count: > 0 } e ? e as ISet<int> ?? new HashSet<int>(e) : null;
        using var warm = generated.Where(i => i >= 0 && !isCold.Contains(i) && (skip is null || !skip.Contains(i))).Distinct().GetEnumerator();
        using var cold = byCosine.Where(isCold.Contains).GetEnumerator();
        var result = new int[byCosine.Length];
        for (var r = 0; r < byCosine.Length; r++)
        {
            var next = isCold.Contains(byCosine[r]) ? cold : warm;
            next.MoveNext();
            result[r] = next.Current;
        }
        return result;
    }
}
