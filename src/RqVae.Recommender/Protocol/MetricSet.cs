namespace RqVae.Recommender.Protocol;

/// <summary>Mean HR@5/10/20 and NDCG@5/10/20 over a set of questions.</summary>
public sealed record MetricSet(double Hr5, double Hr10, double Hr20, double Ndcg5, double Ndcg10, double Ndcg20, int Count)
{
    /// <summary>The means over <paramref name="ranks"/> (1-based ranks of the targets, 0 when not in the top 20); NaN for none.</summary>
    public static MetricSet FromRanks(IReadOnlyList<int> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Count == 0) return new MetricSet(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double Hr(int k) => ranks.Average(r => RankingMetrics.HitRate(r, k));
        double Nd(int k) => ranks.Average(r => RankingMetrics.Ndcg(r, k));
        return new MetricSet(Hr(5), Hr(10), Hr(20), Nd(5), Nd(10), Nd(20), ranks.Count);
    }

    /// <summary>The metric named <paramref name="name"/> ("HR@10", "NDCG@5", …).</summary>
    public double this[string name] => name switch
    {
        "HR@5" => Hr5,
        "HR@10" => Hr10,
        "HR@20" => Hr20,
        "NDCG@5" => Ndcg5,
        "NDCG@10" => Ndcg10,
        "NDCG@20" => Ndcg20,
        _ => throw new ArgumentException($"\"{name}\" is not a metric; use HR@5, HR@10, HR@20, NDCG@5, NDCG@10 or NDCG@20.", nameof(name)),
    };

    /// <summary>The metric names in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["HR@5", "HR@10", "HR@20", "NDCG@5", "NDCG@10", "NDCG@20"];
}
