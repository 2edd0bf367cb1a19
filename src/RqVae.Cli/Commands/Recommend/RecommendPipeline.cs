using System.Diagnostics;
using System.Globalization;
using RqVae.Recommender;
using RqVae.Recommender.Evaluation;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// The steps of a recommender run that <c>rqvae recommend</c> and <c>rqvae movielens --recommend</c> share: train and save
/// (model/ and run.json), score (the table, the cold slice, predictions.csv), and show recommendations with titles.
/// </summary>
internal static class RecommendPipeline
{
    /// <summary>Trains <paramref name="kind"/> on the split of <paramref name="data"/>, saves it and its run record in <paramref name="directory"/>.</summary>
    public static IRecommender Train(CliContext context, IRecommenderKind kind, object options, RecommendSource source, RecommendData data, long seed,
        string directory, bool resume)
    {
        context.Status($"{data.Split.ItemCount:N0} items, {data.Split.UserKeys.Count:N0} users, {data.Split.TrainingSequences.Sum(s => s.Length):N0} training interactions, {data.Split.ColdItemKeys.Count:N0} held-out items; training {kind.DisplayName}.");
        var training = RecommenderTrainingData.FromSplit(data.Split, seed, data.SemanticIds, data.ItemEmbeddings);
        // Kinds fitted in one pass (counts, not gradients) report no loss or validation score: their line says only the time.
        var progress = new LineProgress(p => context.Status(double.IsNaN(p.Loss)
            ? string.Create(CultureInfo.InvariantCulture, $"fitted in {p.Elapsed.TotalSeconds:F1} s")
            : string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F4}, validation NDCG@10 {p.ValidationNdcg10:F4} (best epoch {p.BestEpoch}), {p.Elapsed.TotalSeconds:F0} s")));
        var settings = new RecommenderFitSettings { CheckpointDirectory = Path.Combine(directory, RecommendRun.CheckpointFolder), Resume = resume };
        var clock = Stopwatch.StartNew();
        var fitted = kind.Fit(training, options, settings, progress, context.Cancellation);
        try
        {
            var seconds = clock.Elapsed.TotalSeconds;
            fitted.Save(Path.Combine(directory, RecommendRun.ModelFolder));
            new RecommendRun { Source = source, Kind = kind.Name, Seed = seed, TrainingSeconds = seconds }.Write(directory);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Trained {kind.DisplayName} in {seconds:F1} s ({fitted.ParameterCount:N0} parameters)."));
            return fitted;
        }
        catch
        {
            fitted.Dispose();
            throw;
        }
    }

    /// <summary>Scores <paramref name="recommender"/> on validation, test and the cold slice, prints the table and writes the predictions file.</summary>
    public static EvaluationResult Evaluate(CliContext context, IRecommender recommender, RecommendRun run, RecommendData data, string predictionsPath)
    {
        var clock = Stopwatch.StartNew();
        var result = RecommenderEvaluation.Evaluate(recommender, data.Split, cancellationToken: context.Cancellation);
        var row = new BenchmarkRow(RecommenderKinds.Get(run.Kind).DisplayName, [new BenchmarkRun(run.Seed, result, TimeSpan.FromSeconds(run.TrainingSeconds), clock.Elapsed, recommender.ParameterCount)]);
        context.Output.Write(BenchmarkTable.Format([row]));
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"validation: HR@10 {result.Validation.Hr10:F4} NDCG@10 {result.Validation.Ndcg10:F4}; cold slice ({result.ColdTest.Count} users): HR@10 {result.ColdTest.Hr10:F4} NDCG@10 {result.ColdTest.Ndcg10:F4}"));
        PredictionsFile.Write(predictionsPath, data.Split, result.TestTop);
        context.Output.WriteLine($"Wrote {predictionsPath} (user_id,rank,item_id: the top {RecommenderEvaluation.Depth} for each user's test item).");
        return result;
    }

    /// <summary>
    /// Prints the last items of <paramref name="history"/> and the <paramref name="top"/> items recommended after it, new items
    /// marked; with <paramref name="actualNext"/>, also the item that really came next and where it ranked.
    /// </summary>
    public static void PrintRecommendations(CliContext context, RecommendData data, IRecommender recommender, string displayName, string heading, int[] history, int top,
        int? actualNext = null)
    {
        var ranked = recommender.Recommend([history], top, [history])[0];
        context.Output.WriteLine($"{heading} ({history.Length} items, latest last):");
        foreach (var i in history.TakeLast(10)) context.Output.WriteLine($"  {data.Describe(i)}");
        context.Output.WriteLine($"Recommended ({displayName}):");
        for (var r = 0; r < ranked.Length; r++)
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r + 1,2}. {data.Describe(ranked[r])}{(data.Split.IsCold(ranked[r]) ? " (new item)" : "")}"));
        if (actualNext is { } next)
        {
            var rank = Array.IndexOf(ranked, next) + 1;
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Watched next: {data.Describe(next)}{(data.Split.IsCold(next) ? " (new item)" : "")}, {(rank > 0 ? $"recommended at rank {rank}" : $"not in the top {top}")}."));
        }
    }

    // Progress<T> posts to the thread pool, so lines could arrive out of order or after the command ended; this reports in line.
    private sealed class LineProgress(Action<RecommenderTrainingProgress> report) : IProgress<RecommenderTrainingProgress>
    {
        public void Report(RecommenderTrainingProgress value) => report(value);
    }
}
