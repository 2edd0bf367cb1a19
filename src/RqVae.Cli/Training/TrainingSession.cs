using System.Globalization;
using RqVae.Model;
using RqVae.Tokenizers;
using Spectre.Console;

namespace RqVae.Cli.Training;

/// <summary>
/// Runs a tokenizer kind's training with a progress bar (the kind's stage; for gradient descent also the loss
/// terms and learning rate). Ctrl-C or SIGTERM becomes a clean stop: the kind keeps its last complete checkpoint.
/// </summary>
internal static class TrainingSession
{
    public static TokenizerTrainingResult Run(CliContext context, TrainingPlan plan, float[] features, int dimension, ModelDirectory directory,
        IReadOnlyDictionary<string, string> facts)
    {
        TokenizerTrainingResult? result = null;
        string? stopped = null;
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
                    stopped = reporter.LastStep is { } step ? $"stopped at step {step:N0} ({context.StopCause})" : $"stopped ({context.StopCause})";
                    task.Description = Markup.Escape(stopped);
                    task.StopTask();
                }
                else
                {
                    task.Value = task.MaxValue;
                }
            });
        // Redirected output (logs) gets the bar's periodic states only, not its last one: say where it stopped.
        if (stopped is not null && !context.IsTerminal) context.Status(stopped);
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
            // The reconstruction term comes first: it is what the IDs must preserve. The total can rise while it falls,
            // since the commitment and codebook terms are distances in latent space and grow as the encoder's scale does.
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{p.Stage} rec {s.Loss.Reconstruction:F4} · total {s.Loss.Total:F4} (commit {s.Loss.Commitment:F4} codebook {s.Loss.Codebook:F4}: grow with the latent scale) lr {s.LearningRate:G3}"));
        }
    }
}
