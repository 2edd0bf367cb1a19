using System.Globalization;
using RqVae.Data.Features;
using RqVae.Model;
using RqVae.Training;
using Spectre.Console;

namespace RqVae.Cli.Training;

/// <summary>What a training run left behind.</summary>
/// <param name="Tokenizer">The trained model; null when the run was stopped before its end.</param>
/// <param name="History">One entry per completed epoch.</param>
/// <param name="Cancelled">Stopped by Ctrl-C.</param>
internal sealed record TrainingOutcome(RqVaeTokenizer? Tokenizer, IReadOnlyList<EpochMetrics> History, bool Cancelled);

/// <summary>
/// Runs <see cref="RqVaeTrainer"/> with a progress bar (step, loss terms, learning rate), saves a
/// checkpoint into the model directory after every <c>checkpointEvery</c> epochs, and turns Ctrl-C
/// into a clean stop that keeps the last complete checkpoint.
/// </summary>
internal static class TrainingSession
{
    public static TrainingOutcome Run(CliContext context, RqVaeTrainerOptions options, FeatureMatrix data, ModelDirectory directory,
        IReadOnlyDictionary<string, string> facts, int checkpointEvery)
    {
        var history = new List<EpochMetrics>();
        var trainer = new RqVaeTrainer(options)
        {
            EpochCompleted = (metrics, module) =>
            {
                history.Add(metrics);
                if (checkpointEvery > 0 && (metrics.Epoch % checkpointEvery == 0 || metrics.Epoch == options.Epochs))
                    directory.SaveCheckpoint(module, metrics.Epoch, facts);
            },
        };
        RqVaeTrainingResult? result = null;
        var cancelled = false;
        context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(options.KMeansInit ? "k-means initialisation of the codebooks…" : "starting…", maxValue: 1);
                var reporter = new StepReporter(task, options.Epochs);
                try
                {
                    result = trainer.Fit(data.Values, data.Dimension, reporter, context.Cancellation);
                    task.Value = task.MaxValue;
                }
                catch (OperationCanceledException)
                {
                    cancelled = true;
                    task.Description = Markup.Escape($"stopped at step {reporter.LastStep:N0} (Ctrl-C)");
                    task.StopTask();
                }
            });
        return new TrainingOutcome(result?.Tokenizer, history, cancelled);
    }

    /// <summary>Turns every optimizer step into a progress-bar update; runs on the training thread.</summary>
    private sealed class StepReporter(ProgressTask task, int epochs) : IProgress<TrainingProgress>
    {
        public long LastStep { get; private set; }

        public void Report(TrainingProgress p)
        {
            LastStep = p.Step;
            if (task.MaxValue != p.TotalSteps) task.MaxValue = p.TotalSteps;
            task.Value = p.Step;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"epoch {p.Epoch}/{epochs} step {p.Step:N0}/{p.TotalSteps:N0} loss {p.Loss.Total:F4} (rec {p.Loss.Reconstruction:F4} commit {p.Loss.Commitment:F4} codebook {p.Loss.Codebook:F4}) lr {p.LearningRate:G3}"));
        }
    }
}
