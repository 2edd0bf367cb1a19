using System.Globalization;
using RqVae.Cli.Output;
using RqVae.Cli.Reports;
using RqVae.Data.Features;
using RqVae.Metrics;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tokenizers;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using RqVae.Training.Resources;

namespace RqVae.Cli.Training;

/// <summary>A model that training left in its directory, with its metrics on the training items.</summary>
/// <param name="Tokenizer">The model as saved (after Ctrl-C: the last complete checkpoint).</param>
/// <param name="ModelHash">Its identity (settings and weights), which the ID tables it writes record.</param>
/// <param name="History">Completed epochs (none for residual k-means).</param>
/// <param name="Evaluation">Metrics of <paramref name="Tokenizer"/> on the training items.</param>
/// <param name="Ids">The training items' IDs under <paramref name="Tokenizer"/>.</param>
/// <param name="Cancelled">Training was stopped before its last epoch.</param>
internal sealed record TrainedModel(ISemanticIdTokenizer Tokenizer, string ModelHash, IReadOnlyList<EpochMetrics> History, EvaluationReport Evaluation,
    SemanticIdTable Ids, bool Cancelled) : IDisposable
{
    public void Dispose() => Tokenizer.Dispose();
}

/// <summary>
/// Train → save → measure → write <c>metrics.json</c>, <c>training.json</c> and <c>report.html</c>
/// into the model directory; shared by <c>rqvae train</c> and <c>rqvae movielens</c>, for both tokenizer kinds.
/// The training state stays in the folder until all of it is in place (<see cref="Commit"/> removes it last), so a
/// process killed anywhere in the finishing step leaves a folder that <c>--resume</c> completes.
/// </summary>
internal static class TrainingPipeline
{
    /// <summary>Runs the whole pipeline; returns null when it was stopped before the first checkpoint (no model saved).</summary>
    /// <param name="context">Console and cancellation.</param>
    /// <param name="plan">What to train, its settings (validated) and checkpointing.</param>
    /// <param name="data">The training items.</param>
    /// <param name="directory">Where everything goes.</param>
    /// <param name="facts">How the data were made, recorded in config.json and the report.</param>
    /// <param name="title">Report heading.</param>
    /// <param name="notes">Extra report lines computed from the final IDs (may be null).</param>
    /// <param name="memoryShown">The memory estimate was already printed (and checked) before the data were loaded.</param>
    public static TrainedModel? Run(CliContext context, TrainingPlan plan, FeatureMatrix data, ModelDirectory directory,
        Dictionary<string, string> facts, string title, Func<SemanticIdTable, IReadOnlyList<string>>? notes = null, bool memoryShown = false)
    {
        if (!memoryShown) CheckMemory(context, plan, data.Rows, data.Dimension, featuresLoaded: true);
        facts["tokenizer"] = plan.Kind.Name;
        facts["items"] = data.Rows.ToString(CultureInfo.InvariantCulture);
        facts["dimension"] = data.Dimension.ToString(CultureInfo.InvariantCulture);
        facts["seed"] = plan.Seed.ToString(CultureInfo.InvariantCulture);
        facts["numerics"] = Platform.MklDispatch.Describe();
        facts["startedUtc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

        if (plan.Checkpoints.Resume)
        {
            if (!directory.HasTrainingState)
                throw new CliException($"nothing to resume: there is no {ModelDirectory.TrainingStateFile} in {directory.Path} (a finished run removes it; a run stopped before its first checkpoint has none). Run without --resume.");
            var state = TrainingCheckpoint.Read(directory.TrainingStatePath);
            facts["resumedFrom"] = string.Create(CultureInfo.InvariantCulture, $"epoch {state.Epoch}, step {state.Step}");
            context.Status($"Resuming from {directory.TrainingStatePath}: epoch {state.Epoch}, step {state.Step:N0}.");
        }
        var result = TrainingSession.Run(context, plan, data.Values, data.Dimension, directory, facts);
        if (result.Tokenizer is not { } tokenizer)
        {
            context.Error.WriteLine(result.Resumable
                ? $"rqvae: training stopped before the first epoch checkpoint; {directory.Path} holds no model yet, only the training state ({ModelDirectory.TrainingStateFile}). Run the same command with --resume to continue from it."
                : $"rqvae: training stopped before the first checkpoint; nothing was saved in {directory.DisplayPath}.");
            return null;
        }
        if (result.EarlyStop is { } why) context.Status($"Training ended early: {why}.");
        if (result.Cancelled)
            context.Error.WriteLine($"rqvae: training stopped; {directory.DisplayPath} keeps the last complete checkpoint (epoch {result.SavedEpoch})." +
                                    (result.Resumable ? " Run the same command with --resume to continue from it." : ""));
        try
        {
            TestKillPoint.Reach("trained");
            var hash = tokenizer.Identity().ModelSha256;
            var evaluation = EvaluationReport.Evaluate(tokenizer, data.Values, out var ids);
            directory.WriteJson(ModelDirectory.MetricsFile, evaluation);
            TestKillPoint.Reach("metrics");
            var options = plan.Kind.OptionsFor(plan.Options, data.Dimension);
            directory.WriteJson(ModelDirectory.TrainingLogFile, new { facts, options, cancelled = result.Cancelled, history = result.History });
            TestKillPoint.Reach("training-log");
            var lines = notes?.Invoke(ids) ?? [];
            TrainingReport.Write(directory.FilePath(ModelDirectory.ReportFile),
                new ReportContent(title, facts, options, result.History, evaluation, ids, tokenizer.CodebookSize, lines));
            TestKillPoint.Reach("report");
            return new TrainedModel(tokenizer, hash, result.History, evaluation, ids, result.Cancelled);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Prints the run's memory estimate against what is available (one status line) and refuses the run
    /// (<see cref="InsufficientMemoryForTrainingException"/>) when it cannot fit: before loading with
    /// <paramref name="featuresLoaded"/> false (the shape from a file header), else with the items in memory.
    /// Kinds without an estimate pass.
    /// </summary>
    public static void CheckMemory(CliContext context, TrainingPlan plan, long rows, int dimension, bool featuresLoaded)
    {
        if (rows < 1 || dimension < 1 || plan.Kind.EstimateMemory(plan.Options, rows, dimension) is not { } estimate) return;
        var available = TrainingMemoryEstimate.AvailableBytes();
        // Written plainly: the console would wrap a line this long, and it is one fact.
        context.Output.WriteLine($"Memory: {TrainingMemoryEstimate.Format(available)} available{(featuresLoaded ? " with the items loaded" : "")}; " +
                                 $"estimated peak {estimate.Describe()}.");
        estimate.EnsureFits(available, featuresLoaded);
    }

    /// <summary>
    /// Puts the finished folder in place (<see cref="OutputFolder.Commit"/>) and only then removes the training state
    /// (<paramref name="resumeMarker"/>, relative to the folder): until that last step a killed process leaves a folder
    /// that <c>--resume</c> completes. A stopped run keeps its state, to be resumed.
    /// </summary>
    public static void Commit(OutputFolder folder, string resumeMarker, TrainedModel model)
    {
        folder.Commit();
        TestKillPoint.Reach("committed");
        if (!model.Cancelled) File.Delete(Path.Combine(folder.Path, resumeMarker));
    }

    /// <summary>Prints the per-level and whole-ID tables and where the files are.</summary>
    public static void PrintSummary(CliContext context, TrainedModel model, ModelDirectory directory, string title)
    {
        MetricsView.Write(context.Console, model.Evaluation, title);
        context.Output.WriteLine($"Model:  {directory.DisplayPath}");
        context.Output.WriteLine($"Report: {directory.DisplayFilePath(ModelDirectory.ReportFile)}");
    }
}
