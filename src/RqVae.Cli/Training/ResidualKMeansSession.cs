using RqVae.Data.Features;
using RqVae.ResidualKMeans;
using Spectre.Console;

namespace RqVae.Cli.Training;

/// <summary>Fits residual k-means with a progress bar (one tick per level); Ctrl-C stops between levels, keeping nothing.</summary>
internal static class ResidualKMeansSession
{
    /// <summary>The fitted tokenizer, or null when stopped.</summary>
    public static ResidualKMeansTokenizer? Fit(CliContext context, ResidualKMeansOptions options, FeatureMatrix data)
    {
        ResidualKMeansTokenizer? result = null;
        context.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(Markup.Escape($"residual k-means: level 1/{options.Levels} ({options.CodebookSize} codes)"), maxValue: options.Levels);
                var reporter = new LevelReporter(task, options);
                try
                {
                    result = new ResidualKMeansTrainer(options).Fit(data.Values, data.Dimension, reporter, context.Cancellation);
                }
                catch (OperationCanceledException)
                {
                    task.Description = "stopped (Ctrl-C)";
                    task.StopTask();
                }
            });
        return result;
    }

    private sealed class LevelReporter(ProgressTask task, ResidualKMeansOptions options) : IProgress<int>
    {
        public void Report(int fitted)
        {
            task.Value = fitted;
            task.Description = Markup.Escape(fitted < options.Levels
                ? $"residual k-means: level {fitted + 1}/{options.Levels} ({options.CodebookSize} codes)"
                : $"residual k-means: {options.Levels} levels × {options.CodebookSize} codes fitted");
        }
    }
}
