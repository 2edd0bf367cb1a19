using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.Model;
using RqVae.Training;

namespace RqVae.Bench.Measures;

/// <summary>
/// Training samples/s of <see cref="RqVaeTrainer"/> on the same settings as the PyTorch reference:
/// TIGER shapes, batch 1024, AdamW lr 1e-3 / weight decay 1e-4, constant rate, clipping at 1.0, one
/// untimed warm-up epoch then timed epochs. The k-means initialisation (a one-off before the first
/// step) and the end-of-run evaluation are outside the timed window, as in the reference.
/// </summary>
internal static class TrainMeasure
{
    public static void Run(BenchArgs args)
    {
        var (features, rows, dimension) = BenchData.Load(args.RequiredString("input"));
        var threads = args.Int("threads", 2);
        var epochs = args.Int("epochs", 5);
        var warmup = args.Int("warmup-epochs", 1);
        var batch = args.Int("batch", 1024);
        var options = new RqVaeTrainerOptions
        {
            Model = new RqVaeOptions { InputDimension = dimension },
            Epochs = warmup + epochs,
            BatchSize = batch,
            Optimizer = OptimizerKind.AdamW,
            LearningRate = 1e-3,
            WeightDecay = 1e-4,
            Schedule = ScheduleKind.Constant,
            GradientClipNorm = 1.0,
            Threads = threads,
            EvaluateEvery = 0,
            Seed = 0,
        };
        var timer = new StepTimer((rows + batch - 1) / batch * (long)warmup);
        var clock = Stopwatch.StartNew();
        var trained = new RqVaeTrainer(options).Fit(features, dimension, timer);
        var total = clock.Elapsed.TotalSeconds;
        trained.Tokenizer.Dispose();
        var seconds = timer.TimedSeconds;
        var result = BenchResult.Create("torchsharp", "train");
        result["threads"] = threads;
        result["items"] = rows;
        result["batch"] = batch;
        result["epochs"] = epochs;
        result["warmup_epochs"] = warmup;
        result["samples_per_s"] = (double)rows * epochs / seconds;
        result["seconds"] = seconds;
        result["fit_seconds"] = total;
        result["final_loss"] = trained.History[^1].MeanLoss.Total;
        result["final_recon_mse"] = trained.History[^1].MeanLoss.Reconstruction;
        BenchResult.Print(result);
    }

    /// <summary>Times the steps after the warm-up ones: from the end of the last warm-up step to the end of the last step.</summary>
    private sealed class StepTimer(long warmupSteps) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch clock = warmupSteps == 0 ? Stopwatch.StartNew() : new();

        public double TimedSeconds => clock.Elapsed.TotalSeconds;

        public void Report(TrainingProgress value)
        {
            if (value.Step == warmupSteps) clock.Restart();
            if (value.Step == value.TotalSteps) clock.Stop();
            if (value.Step % 20 == 0) BenchResult.Log($"step {value.Step}/{value.TotalSteps} loss {value.Loss.Total:F4}");
        }
    }
}
