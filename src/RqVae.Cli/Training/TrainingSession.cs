using System.Globalization;
using RqVae.Model;
using RqVae.Tokenizers;
using Spectre.Console;

namespace RqVae.Cli.Training;

/// <summary>
/// Runs a tokenizer kind's training with a progress bar (the kind's stage; for gradient descent also the loss
/// terms and learning rate). Ctrl-C becomes a clean stop: the kind keeps its last complete checkpoint.
/// </summary>
internal static class TrainingSession
{
    public static TokenizerTrainingResult Run(CliContext context, TrainingPlan plan, float[] features, int dimension, ModelDirectory directory,
        IReadOnlyDictionary<string, string> facts)
    {
        TokenizerTrainingResult? result = null;
        context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask("starting…", maxValue: 1);
                var reporter = new Reporter(task);
                result = plan.Kind.Train(plan.Options, new TokenizerTrainingRequest(features, dimension, directory)
                {
                    Checkpoints = plan.Checkpoints,
                    Facts = facts,
                    Progress = reporter,
                    Warning = message => context.Error.WriteLine($"rqvae: warning: {message}"),
                    CancellationToken = context.Cancellation,
                    // Removed by the pipeline once metrics, training.json and the report are written too.
                    KeepTrainingState = true,
                });
                if (result.Cancelled)
                {
                    task.Description = Markup.Escape(reporter.LastStep is { } step ? $"stopped at step {step:N0} (Ctrl-C)" : "stopped (Ctrl-C)");
                    task.StopTask();
                }
                else
                {
                    task.Value = task.MaxValue;
                }
            });
        return result!;
    }

    /// <summary>Turns every report of the run into a progress-bar update; runs on the training thread.</summary>
    private sealed class Reporter(ProgressTask task) : IProgress<TokenizerTrainingProgress>
    {
        public long? LastStep { get; private set; }

        public void Report(TokenizerTrainingProgress p)
        {
            if (task.MaxValue != p.Total) task.MaxValue = p.Total;
            task.Value = p.Done;
            if (p.Step is not { } s)
            {
                task.Description = Markup.Escape(p.Stage);
                if (TestKillPoint.Armed && p.Stage.StartsWith("k-means", StringComparison.Ordinal)) TestKillPoint.Reach("kmeans");
                return;
            }
            LastStep = s.Step;
            if (TestKillPoint.Armed) TestKillPoint.Reach(string.Create(CultureInfo.InvariantCulture, $"step-{s.Step}"));
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{p.Stage} loss {s.Loss.Total:F4} (rec {s.Loss.Reconstruction:F4} commit {s.Loss.Commitment:F4} codebook {s.Loss.Codebook:F4}) lr {s.LearningRate:G3}"));
        }
    }
}
