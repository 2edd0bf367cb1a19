using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.Metrics;
using RqVae.Training;

namespace RqVae.Bench.Measures;

/// <summary>
/// The default tokenizer trained end to end as a user gets it (the library's default options: step budget,
/// training sample), on a whole catalogue file: seconds from the start of <see cref="RqVaeTrainer.Fit"/> to a
/// fitted model, the epochs and training items it chose, the steps it took (fewer when it stopped on convergence), and cosine and raw collisions over every item.
/// </summary>
internal static class BudgetMeasure
{
    public static void Run(BenchArgs args)
    {
        var (features, rows, dimension) = BenchData.Load(args.RequiredString("input"));
        var options = new RqVaeTrainerOptions { Threads = args.Int("threads", 2) };
        var clock = Stopwatch.StartNew();
        using var trained = new RqVaeTrainer(options).Fit(features, dimension);
        var seconds = clock.Elapsed.TotalSeconds;
        var evaluation = EvaluationReport.Evaluate(trained.Tokenizer, features);
        var result = BenchResult.Create("torchsharp", "budget");
        result["threads"] = options.Threads;
        result["items"] = rows;
        result["dimension"] = dimension;
        result["epochs"] = options.EpochsFor(rows);
        result["training_items"] = options.TrainingRowsFor(rows);
        result["steps"] = trained.History[^1].Steps;
        result["epochs_trained"] = trained.History[^1].Epoch;
        result["converged"] = trained.Converged;
        result["seconds"] = seconds;
        result["cosine"] = evaluation.Reconstruction.MeanCosine;
        result["collision_rate"] = evaluation.Collisions.CollisionRate;
        BenchResult.Print(result);
    }
}
