using System.Globalization;
using RqVae.Data.Features;
using RqVae.Model;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using Spectre.Console;

namespace RqVae.Cli.Training;

/// <summary>What a training run left behind.</summary>
/// <param name="Tokenizer">The trained model; null when the run was stopped before its end.</param>
/// <param name="History">One entry per completed epoch (after a resume: the epochs of the whole run when it finished, those since the resume when it was stopped).</param>
/// <param name="Cancelled">Stopped by Ctrl-C.</param>
internal sealed record TrainingOutcome(RqVaeTokenizer? Tokenizer, IReadOnlyList<EpochMetrics> History, bool Cancelled);

/// <summary>When to checkpoint a run and whether to continue one.</summary>
/// <param name="EveryEpochs">Every this many epochs: the weights (so the folder loads as that model) and the training state; 0: neither, until the end.</param>
/// <param name="EverySteps">Every this many optimizer steps: the training state only; 0: off.</param>
/// <param name="Resume">Continue from the training state in the model folder.</param>
internal sealed record CheckpointPlan(int EveryEpochs, long EverySteps, bool Resume)
{
    /// <summary>Refuses negative intervals, naming the option.</summary>
    public CheckpointPlan Validate()
    {
        if (EveryEpochs < 0) throw new CliException($"--checkpoint-every must be 0 or more (got {EveryEpochs}).");
        if (EverySteps < 0) throw new CliException($"--checkpoint-every-steps must be 0 or more (got {EverySteps}).");
        return this;
    }
}

/// <summary>
/// Runs <see cref="RqVaeTrainer"/> with a progress bar (step, loss terms, learning rate). Every
/// <see cref="CheckpointPlan.EveryEpochs"/> epochs it saves the weights into the model directory (so the
/// folder loads as that model) and the library writes <c>training.ckpt</c>, the complete training state
/// (weights, optimizer, step, random-number state) that <c>--resume</c> continues from, bit for bit.
/// Ctrl-C becomes a clean stop that keeps both.
/// </summary>
internal static class TrainingSession
{
    public static TrainingOutcome Run(CliContext context, RqVaeTrainerOptions options, FeatureMatrix data, ModelDirectory directory,
        IReadOnlyDictionary<string, string> facts, CheckpointPlan plan)
    {
        var history = new List<EpochMetrics>();
        var statePath = directory.FilePath(ModelDirectory.TrainingStateFile);
        var trainer = new RqVaeTrainer(options)
        {
            EpochCompleted = (metrics, module) =>
            {
                history.Add(metrics);
                if (plan.EveryEpochs > 0 && (metrics.Epoch % plan.EveryEpochs == 0 || metrics.Epoch == options.Epochs))
                    directory.SaveCheckpoint(module, metrics.Epoch, facts);
            },
            Warning = message => context.Error.WriteLine($"rqvae: warning: {message}"),
            Checkpoints = plan.EveryEpochs == 0 && plan.EverySteps == 0 && !plan.Resume
                ? null
                : new CheckpointOptions { Path = statePath, EveryEpochs = plan.EveryEpochs, EverySteps = plan.EverySteps, Resume = plan.Resume },
        };
        RqVaeTrainingResult? result = null;
        var cancelled = false;
        context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(plan.Resume ? "reading the training checkpoint…" : options.KMeansInit ? "k-means initialisation of the codebooks…" : "starting…", maxValue: 1);
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
        if (result is not null)
        {
            // The model is complete: the training state has served its purpose and is several times the weights' size.
            File.Delete(statePath);
            return new TrainingOutcome(result.Tokenizer, result.History, Cancelled: false);
        }
        return new TrainingOutcome(null, history, cancelled);
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
