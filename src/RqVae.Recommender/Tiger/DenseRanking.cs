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
}
