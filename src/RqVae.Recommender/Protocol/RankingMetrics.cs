namespace RqVae.Recommender.Protocol;

/// <summary>
/// HR@K and NDCG@K with one target per question (HR@K = Recall@K; NDCG@K = 1 / log2(rank + 1) when the target is at
/// rank ≤ K, counting from 1, else 0; the ideal DCG is 1). Full ranking: the recommender ranks every item.
/// </summary>
public static class RankingMetrics
{
    /// <summary>The cut-offs every table reports.</summary>
    public static IReadOnlyList<int> Cutoffs { get; } = [5, 10, 20];

    /// <summary>The 1-based rank of <paramref name="target"/> in <paramref name="ranked"/>, or 0 when absent.</summary>
    public static int RankOf(int[] ranked, int target)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var i = Array.IndexOf(ranked, target);
        return i < 0 ? 0 : i + 1;
    }

    /// <summary>1 when the rank is within <paramref name="k"/>, else 0.</summary>
    public static double HitRate(int rank, int k) => rank >= 1 && rank <= k ? 1 : 0;

    /// <summary>1 / log2(rank + 1) when the rank is within <paramref name="k"/>, else 0.</summary>
    public static double Ndcg(int rank, int k) => rank >= 1 && rank <= k ? 1.0 / Math.Log2(rank + 1) : 0;

    /// <summary>The ranks of each question's target in the recommender's top <paramref name="depth"/> (0 = not there).</summary>
    public static int[] Ranks(IRecommender recommender, IReadOnlyList<EvaluationCase> cases, int depth = 20, int batch = 256)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        ArgumentNullException.ThrowIfNull(cases);
        var ranks = new int[cases.Count];
        for (var start = 0; start < cases.Count; start += batch)
        {
            var part = cases.Skip(start).Take(batch).ToArray();
            var histories = part.Select(c => c.History).ToArray();
            var top = recommender.Recommend(histories, depth, histories);
            for (var i = 0; i < part.Length; i++) ranks[start + i] = RankOf(top[i], part[i].Target);
        }
        return ranks;
    }

    /// <summary>The mean HR and NDCG at every cut-off over <paramref name="ranks"/>.</summary>
    public static MetricSet Summarise(IReadOnlyList<int> ranks) => MetricSet.FromRanks(ranks);

    /// <summary>Validation NDCG@10 of <paramref name="recommender"/>, the number early stopping watches.</summary>
    public static double Ndcg10(IRecommender recommender, IReadOnlyList<EvaluationCase> cases) =>
        cases.Count == 0 ? double.NaN : Ranks(recommender, cases, 10).Average(r => Ndcg(r, 10));
}
