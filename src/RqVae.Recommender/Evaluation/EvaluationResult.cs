using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Evaluation;

/// <summary>One fitted recommender scored on a split: per-user ranks, the metric means, and the test top-20 lists.</summary>
/// <param name="ValidationRanks">Per user (split order), the 1-based rank of the validation target in the top 20, 0 when absent.</param>
/// <param name="TestRanks">The same for the test target.</param>
/// <param name="Validation">Means over the validation questions.</param>
/// <param name="Test">Means over the test questions.</param>
/// <param name="ColdTest">Means over the test questions whose target is a held-out item (Count 0 when there are none).</param>
/// <param name="TestTop">Per user, the top 20 items (dense indices) for the test question.</param>
public sealed record EvaluationResult(int[] ValidationRanks, int[] TestRanks, MetricSet Validation, MetricSet Test, MetricSet ColdTest, int[][] TestTop);
