using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Tests.Protocol;

public sealed class RankingMetricsTests
{
    [Fact]
    public void Hit_rate_and_ndcg_follow_the_rank_with_an_ideal_dcg_of_one()
    {
        Assert.Equal(1.0, RankingMetrics.Ndcg(1, 10));
        Assert.Equal(0.5, RankingMetrics.Ndcg(3, 10), 12);          // 1 / log2(4)
        Assert.Equal(1 / 3.0, RankingMetrics.Ndcg(7, 10), 12);      // 1 / log2(8)
        Assert.Equal(0.0, RankingMetrics.Ndcg(12, 10));
        Assert.Equal(0.0, RankingMetrics.Ndcg(0, 10));
        Assert.Equal(1.0, RankingMetrics.HitRate(10, 10));
        Assert.Equal(0.0, RankingMetrics.HitRate(11, 10));
    }

    [Fact]
    public void The_means_over_four_users_match_the_hand_computed_values()
    {
        // Ranks 1, 3, not found, 12.
        var m = MetricSet.FromRanks([1, 3, 0, 12]);

        Assert.Equal(0.5, m.Hr5);
        Assert.Equal(0.5, m.Hr10);
        Assert.Equal(0.75, m.Hr20);
        Assert.Equal((1 + 0.5) / 4, m.Ndcg5, 12);
        Assert.Equal((1 + 0.5) / 4, m.Ndcg10, 12);
        Assert.Equal((1 + 0.5 + 1 / Math.Log2(13)) / 4, m.Ndcg20, 12);
        Assert.Equal(4, m.Count);
    }

    [Fact]
    public void The_rank_is_counted_from_one()
    {
        Assert.Equal(1, RankingMetrics.RankOf([4, 2, 9], 4));
        Assert.Equal(3, RankingMetrics.RankOf([4, 2, 9], 9));
        Assert.Equal(0, RankingMetrics.RankOf([4, 2, 9], 5));
    }

    [Fact]
    public void Top_items_break_ties_to_the_lower_index_and_skip_exclusions()
    {
        float[] scores = [0.5f, 0.9f, 0.5f, float.NegativeInfinity, 0.9f, 0.1f];

        Assert.Equal([1, 4, 0, 2], TopItems.Select(scores, 4));
        Assert.Equal([4, 2, 5], TopItems.Select(scores, 3, [1, 0]));
        Assert.Equal([1, 4, 0, 2, 5], TopItems.Select(scores, 10));
    }

    [Fact]
    public void The_bootstrap_interval_of_a_constant_difference_is_that_difference()
    {
        var a = new double[] { 1, 1, 0, 1 };
        var b = new double[] { 0, 0, -1, 0 };

        var interval = PairedBootstrap.Interval(a, b, 500);

        Assert.Equal(1.0, interval.Mean);
        Assert.Equal(1.0, interval.Low);
        Assert.Equal(1.0, interval.High);
        Assert.True(interval.ExcludesZero);
    }

    [Fact]
    public void The_bootstrap_interval_of_a_mixed_difference_contains_its_mean_and_zero()
    {
        // Differences +1, −1, +1, −1, 0, repeated: mean 0, variance 0.8.
        var a = Enumerable.Range(0, 100).Select(i => (i % 5) switch { 0 or 2 => 1.0, _ => 0.0 }).ToArray();
        var b = Enumerable.Range(0, 100).Select(i => (i % 5) switch { 1 or 3 => 1.0, _ => 0.0 }).ToArray();

        var interval = PairedBootstrap.Interval(a, b, 2000);

        Assert.Equal(0.0, interval.Mean, 12);
        Assert.True(interval.Low < 0 && interval.High > 0);
        Assert.False(interval.ExcludesZero);
        // The standard error of the mean difference is √(0.8 / 100) ≈ 0.089: the 95 % interval is about 2 · 1.96 · 0.089 ≈ 0.35 wide.
        Assert.InRange(interval.High - interval.Low, 0.29, 0.41);
    }
}
