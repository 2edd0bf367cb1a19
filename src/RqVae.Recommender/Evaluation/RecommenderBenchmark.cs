using System.Diagnostics;
using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Evaluation;

/// <summary>
/// Runs a list of kinds on one split with the same seeds: each (row, seed) is fitted on the split's training data
/// and scored on its validation and test questions, so every row is comparable and pairs of rows can be bootstrapped.
/// </summary>
public static class RecommenderBenchmark
{
    /// <summary>Fits and scores every entry with every seed, in order.</summary>
    /// <param name="split">The split every row is scored on.</param>
    /// <param name="entries">The rows.</param>
    /// <param name="seeds">The training seeds (three for the table).</param>
    /// <param name="log">Told one line per finished run; may be null.</param>
    /// <param name="cancellationToken">Stops between runs and inside fits.</param>
    public static IReadOnlyList<BenchmarkRow> Run(RecommenderSplit split, IReadOnlyList<BenchmarkEntry> entries, IReadOnlyList<long> seeds, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("Give at least one seed.", nameof(seeds));
        var rows = new List<BenchmarkRow>();
        foreach (var entry in entries)
        {
            var runs = new List<BenchmarkRun>();
            foreach (var seed in seeds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var data = RecommenderTrainingData.FromSplit(split, seed, entry.SemanticIds, entry.ItemEmbeddings);
                var clock = Stopwatch.StartNew();
                using var fitted = entry.Kind.Fit(data, entry.Options, null, null, cancellationToken);
                var trained = clock.Elapsed;
                clock.Restart();
                var result = RecommenderEvaluation.Evaluate(fitted, split, cancellationToken: cancellationToken);
                var run = new BenchmarkRun(seed, result, trained, clock.Elapsed, fitted.ParameterCount);
                runs.Add(run);
                log?.Invoke($"{entry.Label} seed {seed}: test HR@10 {result.Test.Hr10:F4} NDCG@10 {result.Test.Ndcg10:F4}, validation NDCG@10 {result.Validation.Ndcg10:F4}, cold HR@10 {result.ColdTest.Hr10:F4}; trained in {trained.TotalSeconds:F1} s");
            }
            rows.Add(new BenchmarkRow(entry.Label, runs));
        }
        return rows;
    }

    /// <summary>Per user, the mean over the row's seeds of the test metric <paramref name="metric"/> ("HR@10" or "NDCG@10", …).</summary>
    public static double[] PerUser(BenchmarkRow row, string metric)
    {
        ArgumentNullException.ThrowIfNull(row);
        var k = int.Parse(metric.AsSpan(metric.IndexOf('@') + 1), System.Globalization.CultureInfo.InvariantCulture);
        Func<int, double> score = metric.StartsWith("HR", StringComparison.Ordinal) ? r => RankingMetrics.HitRate(r, k) : r => RankingMetrics.Ndcg(r, k);
        var users = row.Runs[0].Result.TestRanks.Length;
        var result = new double[users];
        foreach (var run in row.Runs)
        {
            for (var u = 0; u < users; u++) result[u] += score(run.Result.TestRanks[u]) / row.Runs.Count;
        }
        return result;
    }
}
