using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Evaluation;

/// <summary>Scores a fitted recommender on a split: full ranking, the user's earlier items excluded, top 20.</summary>
public static class RecommenderEvaluation
{
    /// <summary>How deep every list is ranked: the largest cut-off and the predictions file's length.</summary>
    public const int Depth = 20;

    /// <summary>Ranks every validation and test question of <paramref name="split"/> with <paramref name="recommender"/>.</summary>
    public static EvaluationResult Evaluate(IRecommender recommender, RecommenderSplit split, int batch = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        ArgumentNullException.ThrowIfNull(split);
        if (recommender.ItemCount != split.ItemCount)
            throw new RecommenderInputException($"The recommender was fitted on {recommender.ItemCount} items; this split has {split.ItemCount}. Use the catalogue it was trained with.");
        var validation = Top(recommender, split.Validation, batch, cancellationToken);
        var test = Top(recommender, split.Test, batch, cancellationToken);
        var validationRanks = split.Validation.Select((c, i) => RankingMetrics.RankOf(validation[i], c.Target)).ToArray();
        var testRanks = split.Test.Select((c, i) => RankingMetrics.RankOf(test[i], c.Target)).ToArray();
        var coldRanks = split.Test.Select((c, i) => (c, i)).Where(x => split.IsCold(x.c.Target)).Select(x => testRanks[x.i]).ToArray();
        return new EvaluationResult(validationRanks, testRanks, MetricSet.FromRanks(validationRanks), MetricSet.FromRanks(testRanks), MetricSet.FromRanks(coldRanks), test);
    }

    private static int[][] Top(IRecommender recommender, IReadOnlyList<EvaluationCase> cases, int batch, CancellationToken cancellationToken)
    {
        var result = new int[cases.Count][];
        for (var start = 0; start < cases.Count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = cases.Skip(start).Take(batch).Select(c => c.History).ToArray();
            var top = recommender.Recommend(part, Depth, part);
            top.CopyTo(result, start);
        }
        return result;
    }
}
