using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;

namespace RqVae.Bench.Measures;

/// <summary>
/// Residual k-means on the raw vectors (no network) against FAISS's ResidualQuantizer on the same
/// file and code budget (3 × 256, greedy encoding, beam 1; 25 Lloyd iterations, FAISS's default):
/// training seconds, encoding items/s (best of 3 passes) and reconstruction MSE over all elements.
/// </summary>
internal static class KMeansMeasure
{
    public static void Run(BenchArgs args)
    {
        var (features, rows, dimension) = BenchData.Load(args.RequiredString("input"));
        var threads = args.Int("threads", 2);
        var options = new ResidualKMeansOptions { Levels = 3, CodebookSize = 256, KMeansIterations = args.Int("iterations", 25), BeamWidth = 1, Threads = threads, Seed = 0 };
        var clock = Stopwatch.StartNew();
        using var tokenizer = new ResidualKMeansTrainer(options).Fit(features, dimension);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        tokenizer.Encode(features.AsSpan(0, Math.Min(rows, 1024) * dimension));
        var best = double.MaxValue;
        SemanticIdTable? ids = null;
        for (var r = 0; r < 3; r++)
        {
            clock.Restart();
            ids = tokenizer.Encode(features);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        var reconstruction = tokenizer.Reconstruct(ids!);
        double squared = 0;
        for (var i = 0; i < features.Length; i++) squared += (double)(features[i] - reconstruction[i]) * (features[i] - reconstruction[i]);
        var result = BenchResult.Create("torchsharp", "kmeans");
        result["threads"] = threads;
        result["items"] = rows;
        result["iterations"] = options.KMeansIterations;
        result["train_seconds"] = trainSeconds;
        result["items_per_s"] = rows / best;
        result["seconds"] = best;
        result["mse"] = squared / features.Length;
        BenchResult.Print(result);
    }
}
