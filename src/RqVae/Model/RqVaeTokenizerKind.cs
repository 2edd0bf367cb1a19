using System.Globalization;
using RqVae.Tokenizers;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using RqVae.Training.Resources;

namespace RqVae.Model;

/// <summary>
/// The RQ-VAE as a tokenizer kind: trained by <see cref="RqVaeTrainer"/>, with the weights of every
/// <see cref="CheckpointSchedule.EveryEpochs"/>-th epoch saved into the model directory (so it loads as that model
/// whenever the process stops) and the complete training state beside them, from which a resumed run continues
/// bit for bit. The state is removed once the final model is saved (or, with
/// <see cref="TokenizerTrainingRequest.KeepTrainingState"/>, left for the caller to remove after its own files).
/// </summary>
public sealed class RqVaeTokenizerKind : TokenizerKind<RqVaeTrainerOptions>
{
    /// <inheritdoc />
    public override string Name => RqVaeTokenizer.KindName;

    /// <inheritdoc />
    public override string DisplayName => "RQ-VAE";

    /// <inheritdoc />
    public override string Summary => "the residual-quantized VAE: encoder, residual quantizer, decoder, trained by gradient descent";

    /// <inheritdoc />
    public override bool SupportsResume => true;

    /// <inheritdoc />
    public override ISemanticIdTokenizer Load(string directory, ModelConfig config, string configPath) => RqVaeTokenizer.Load(directory, config, configPath);

    /// <inheritdoc />
    protected override RqVaeTrainerOptions Validate(RqVaeTrainerOptions options) => options.Validate();

    /// <inheritdoc />
    protected override long Seed(RqVaeTrainerOptions options) => options.Seed;

    /// <inheritdoc />
    /// <remarks>The input dimension comes from the data when it was left at 0.</remarks>
    protected override RqVaeTrainerOptions OptionsFor(RqVaeTrainerOptions options, int dimension)
        => options.Model.InputDimension == 0 ? options with { Model = options.Model with { InputDimension = dimension } } : options;

    /// <inheritdoc />
    protected override TrainingMemoryEstimate? EstimateMemory(RqVaeTrainerOptions options, long rows, int dimension)
        => TrainingMemoryEstimate.For(options, rows, dimension);

    /// <inheritdoc />
    protected override TokenizerTrainingResult Train(RqVaeTrainerOptions options, TokenizerTrainingRequest request)
    {
        var directory = request.Directory;
        var schedule = request.Checkpoints.Validate();
        var catalogue = request.Features.Length / request.Dimension;
        var epochs = options.EpochsFor(catalogue);
        var facts = new Dictionary<string, string>(request.Facts)
        {
            ["epochsRequested"] = epochs.ToString(CultureInfo.InvariantCulture),
            ["trainingItems"] = options.TrainingRowsFor(catalogue).ToString(CultureInfo.InvariantCulture),
        };
        var history = new List<EpochMetrics>();
        var trainer = new RqVaeTrainer(options)
        {
            EpochCompleted = (metrics, module) =>
            {
                history.Add(metrics);
                if (schedule.EveryEpochs > 0 && (metrics.Epoch % schedule.EveryEpochs == 0 || metrics.Epoch == epochs))
                    using (var view = RqVaeTokenizer.ViewOf(module))
                        directory.SaveCheckpoint(view, metrics.Epoch, facts);
            },
            Warning = request.Warning,
            Checkpoints = schedule is { EveryEpochs: 0, EverySteps: 0, Resume: false }
                ? null
                : new CheckpointOptions { Path = directory.TrainingStatePath, EveryEpochs = schedule.EveryEpochs, EverySteps = schedule.EverySteps, Resume = schedule.Resume },
        };
        request.Progress?.Report(new TokenizerTrainingProgress(0, 1,
            schedule.Resume ? "reading the training checkpoint…" : options.Model.Quantization.KMeansInit ? "k-means initialisation of the codebooks…" : "starting…"));
        var progress = request.Progress is null ? null : new StepProgress(request.Progress, epochs);
        RqVaeTrainingResult result;
        try
        {
            result = trainer.Fit(request.Features, request.Dimension, progress, request.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            var resumable = directory.HasTrainingState;
            var kept = directory.CheckpointEpoch();
            return new TokenizerTrainingResult(kept is null ? null : RqVaeTokenizer.Load(directory.Path), history, Cancelled: true)
            { SavedEpoch = kept, Resumable = resumable };
        }
        try
        {
            facts["epochsCompleted"] = result.History.Count.ToString(CultureInfo.InvariantCulture);
            var last = result.History[^1];
            string? earlyStop = null;
            if (result.Converged)
            {
                earlyStop = string.Create(CultureInfo.InvariantCulture,
                    $"the codebook metrics on the monitor sample stopped improving, so training stopped at step {last.Steps:N0} (epoch {last.Epoch} of {epochs}); --convergence-patience 0 trains the whole budget");
                facts["stoppedOnConvergence"] = string.Create(CultureInfo.InvariantCulture, $"epoch {last.Epoch}, step {last.Steps}");
            }
            directory.SaveFinal(result.Tokenizer, facts);
            // The model is complete: the training state has served its purpose and is several times the weights' size.
            // A caller that still writes files of its own removes it after them (a kill in between stays resumable).
            if (!request.KeepTrainingState) directory.RemoveTrainingState();
            return new TokenizerTrainingResult(result.Tokenizer, result.History, Cancelled: false) { SavedEpoch = result.SelectedEpoch ?? last.Epoch, EarlyStop = earlyStop };
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private sealed class StepProgress(IProgress<TokenizerTrainingProgress> inner, int epochs) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p) => inner.Report(new TokenizerTrainingProgress(p.Step, p.TotalSteps,
            string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch}/{epochs} step {p.Step:N0}/{p.TotalSteps:N0}"), p));
    }
}
