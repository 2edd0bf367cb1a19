using System.Diagnostics;
using RqVae.Metrics;
using RqVae.Model;
using RqVae.Platform;
using RqVae.Quantization;
using RqVae.Training.Checkpointing;
using RqVae.Training.Optimizers;
using RqVae.Training.Resources;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Training;

/// <summary>
/// Trains an RQ-VAE on a matrix of item features and hands back a separate, fitted
/// <see cref="RqVaeTokenizer"/>. One trainer may run <see cref="Fit"/> several times; each run is
/// independent and, for the same options, data and thread count, gives bit-identical weights.
/// </summary>
public sealed class RqVaeTrainer
{
    /// <summary>Creates a trainer; the options are validated now, not at the first step.</summary>
    public RqVaeTrainer(RqVaeTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <summary>The options every run uses.</summary>
    public RqVaeTrainerOptions Options { get; }

    /// <summary>Called after each epoch with its metrics and the module as it stands (for checkpoints); do not train it.</summary>
    public Action<EpochMetrics, RqVaeModule>? EpochCompleted { get; init; }

    /// <summary>Receives warnings that do not stop training (e.g. a balanced assignment that fell back to nearest-code).</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Where and how often to checkpoint the run, and whether to resume from an existing checkpoint; null: no checkpoints.</summary>
    public CheckpointOptions? Checkpoints { get; init; }

    // The items the convergence checks measure, row-major; null when the run does not stop on convergence. Set by the
    // public Fit when it resolves a step-budgeted run, because only it knows which items the training sample left out.
    private float[]? ConvergenceMonitor { get; init; }

    /// <summary>
    /// Trains on <paramref name="features"/>: row-major, <paramref name="dimension"/> values per item.
    /// </summary>
    /// <param name="features">The items' feature vectors; must be finite.</param>
    /// <param name="dimension">Values per item; must match <see cref="RqVaeOptions.InputDimension"/> when that is set.</param>
    /// <param name="progress">Told after every step.</param>
    /// <param name="cancellationToken">Checked between steps; cancelling throws <see cref="OperationCanceledException"/>.</param>
    public RqVaeTrainingResult Fit(float[] features, int dimension, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (features.Length == 0 || features.Length % dimension != 0)
            throw new ArgumentException($"Expected a non-empty row-major matrix with {dimension} values per row, got {features.Length} values.", nameof(features));
        if (Options.Model.InputDimension != 0 && Options.Model.InputDimension != dimension)
            throw new ArgumentException($"The model expects {Options.Model.InputDimension} values per item but the data have {dimension}.", nameof(dimension));
        var modelOptions = (Options.Model with { InputDimension = dimension }).Validate();
        var rows = features.Length / dimension;
        DivergenceGuard.EnsureFiniteFeatures(features, dimension);
        // The step budget, the sample and the convergence monitor are resolved once, here: the run itself (and its checkpoints)
        // sees fixed epochs and its training items.
        if (Options.Epochs is null || Options.TrainingRowsFor(rows) < rows)
        {
            var trainingRows = (int)Options.TrainingRowsFor(rows);
            var monitorRows = Options.StopsOnConvergence ? Math.Min(Options.MonitorSampleSize, trainingRows < rows ? rows - trainingRows : rows) : 0;
            float[] training, monitor;
            if (trainingRows < rows)
                (training, monitor) = SplitSample(features, dimension, trainingRows, monitorRows, Options.Seed);
            else
            {
                training = features;
                monitor = monitorRows == rows ? features : SplitSample(features, dimension, monitorRows, 0, Options.Seed + 1).Sample;
            }
            var resolved = new RqVaeTrainer(Options.ResolvedFor(rows) with { TrainingSampleSize = 0 })
            {
                EpochCompleted = EpochCompleted,
                Warning = Warning,
                Checkpoints = Checkpoints,
                ConvergenceMonitor = monitorRows > 0 ? monitor : null,
            };
            return resolved.Fit(training, dimension, progress, cancellationToken);
        }
        TrainingMemoryEstimate.For(Options, rows, dimension).EnsureFits(TrainingMemoryEstimate.AvailableBytes(), featuresLoaded: true);
        var checkpointer = Checkpoints is null ? null : new TrainingCheckpointer(Checkpoints, Options, features, dimension);
        var resumeFrom = checkpointer?.LoadForResume();

        if (Options.Threads > 0) set_num_threads(Options.Threads);
        var clock = Stopwatch.StartNew();
        // Everything random in a run (initial weights, k-means seeds, shuffling) comes from this one
        // generator, never torch's process-wide one, so concurrent runs cannot disturb each other.
        var generator = new Generator((ulong)Options.Seed);
        var module = new RqVaeModule(modelOptions, generator, ReconstructionWeightFor(features), Warning);
        try
        {
            // A copy, not a view of the caller's array (from_array): libtorch aligns its buffers to 64 bytes, and MKL's strict
            // AVX2 mode (the portable numerics) gives other bits on a managed array's alignment; the view changed the portable hashes.
            using var data = tensor(features, [rows, dimension]);
            using var selector = new CheckpointSelector(Options);
            var deadCodes = DeadCodeReset.For(modelOptions.Quantization);
            if (modelOptions.Quantization.KMeansInit && resumeFrom is null) InitialiseCodebooks(module, data, generator);
            var history = Train(module, features, data, generator, clock, progress, checkpointer, resumeFrom, deadCodes, selector, cancellationToken);
            return new RqVaeTrainingResult(new RqVaeTokenizer(module), history)
            {
                SelectedEpoch = selector.SelectedEpoch,
                Converged = history.Count > 0 && history[^1].Epoch < Options.Epochs,
            };
        }
        catch (TrainingDivergedException e) when (e.LastCheckpoint is null && checkpointer?.LastWritten is { } last)
        {
            module.Dispose();
            throw e.WithCheckpoint(last);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        finally
        {
            generator.Dispose();
        }
    }

    /// <summary>
    /// A uniform sample of <paramref name="count"/> rows without replacement, drawn from <paramref name="seed"/>, and
    /// <paramref name="heldOut"/> further rows that are not in it, each in their original order (a partial Fisher–Yates
    /// shuffle of the row numbers: the first <paramref name="count"/> positions do not depend on <paramref name="heldOut"/>).
    /// </summary>
    internal static (float[] Sample, float[] HeldOut) SplitSample(float[] features, int dimension, int count, int heldOut, long seed)
    {
        var rows = features.Length / dimension;
        if (count + heldOut > rows) throw new ArgumentOutOfRangeException(nameof(heldOut), heldOut, $"{count} + {heldOut} rows of {rows}.");
        var order = new int[rows];
        for (var i = 0; i < rows; i++) order[i] = i;
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        for (var i = 0; i < count + heldOut; i++)
        {
            var j = random.Next(i, rows);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return (Gather(features, dimension, order, 0, count), Gather(features, dimension, order, count, heldOut));
    }

    private static float[] Gather(float[] features, int dimension, int[] order, int start, int count)
    {
        Array.Sort(order, start, count);
        var rows = new float[(long)count * dimension];
        for (var i = 0; i < count; i++) Array.Copy(features, (long)order[start + i] * dimension, rows, (long)i * dimension, dimension);
        return rows;
    }

    private List<EpochMetrics> Train(RqVaeModule module, float[] features, Tensor data, Generator generator, Stopwatch clock,
        IProgress<TrainingProgress>? progress, TrainingCheckpointer? checkpointer, TrainingCheckpoint? resumeFrom, DeadCodeReset? deadCodes, CheckpointSelector selector, CancellationToken cancellationToken)
    {
        var rows = (int)data.shape[0];
        var stepsPerEpoch = (rows + Options.BatchSize - 1) / Options.BatchSize;
        var epochs = Options.Epochs ?? throw new InvalidOperationException("The epochs are resolved before training.");
        var totalSteps = (long)stepsPerEpoch * epochs;
        var schedule = LearningRateSchedule.Create(Options, totalSteps);
        var parameters = module.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = CreateOptimizer(parameters);
        Tensor? resumedOrder = null;
        var position = resumeFrom?.Restore(module, optimizer, generator, deadCodes, selector, out resumedOrder) ?? TrainingPosition.Start;
        var history = new List<EpochMetrics>(position.History);
        long step = position.Step;
        // Codes re-seeded in the current epoch (for its metrics).
        long epochResets = 0;
        double learningRate = 0;
        module.train();
        // Once the checks find the run converged it cools down and ends; a resumed run finds that point in its history.
        var cooldown = ConvergenceMonitor is null ? null : CooldownSchedule.After(ConvergenceRule.ConvergedAt(history, Options), schedule, Options, stepsPerEpoch, epochs);
        var lastEpoch = cooldown?.LastEpoch ?? epochs;
        for (var epoch = position.Epoch; epoch <= lastEpoch; epoch++)
        {
            var resuming = epoch == position.Epoch;
            using var order = resuming && resumedOrder is not null ? resumedOrder : randperm(rows, generator: generator);
            var sum = resuming ? position.EpochLossSum : default;
            for (var start = resuming ? position.NextBatchStart : 0; start < rows; start += Options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                step++;
                learningRate = Options.LearningRate * (cooldown ?? schedule).Factor(step);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                var count = Math.Min(Options.BatchSize, rows - start);
                var loss = Step(module, optimizer, parameters, data, order, start, count, step, deadCodes, ref epochResets);
                sum += loss;
                progress?.Report(new TrainingProgress(epoch, step, totalSteps, loss, learningRate));
                checkpointer?.AfterStep(new TrainingPosition(epoch, start + count, step, sum, position.Elapsed + clock.Elapsed, history), module, optimizer, generator, order, deadCodes, selector);
            }
            var checkDue = ConvergenceMonitor is not null && cooldown is null && epoch < epochs
                && step - ConvergenceRule.LastCheckStep(history) >= Options.ConvergenceCheckSteps;
            var metrics = new EpochMetrics(epoch, step, sum / stepsPerEpoch, learningRate, TimeSpan.Zero, Evaluation: null)
            {
                CodeResets = epochResets,
                Monitor = checkDue ? Evaluate(module, ConvergenceMonitor!) : null,
            };
            if (checkDue && ConvergenceRule.HasConverged([.. history, metrics], Options))
            {
                cooldown = CooldownSchedule.After(metrics, schedule, Options, stepsPerEpoch, epochs);
                lastEpoch = cooldown?.LastEpoch ?? epochs;
            }
            var evaluate = epoch == lastEpoch || epoch >= Options.FirstSelectableEpoch
                || (Options.EvaluateEvery > 0 && epoch % Options.EvaluateEvery == 0);
            metrics = metrics with { Evaluation = evaluate ? Evaluate(module, features) : null, Elapsed = position.Elapsed + clock.Elapsed };
            epochResets = 0;
            history.Add(metrics);
            EpochCompleted?.Invoke(metrics, module);
            selector.AfterEpoch(metrics, module);
            checkpointer?.AfterEpoch(epoch, new TrainingPosition(epoch + 1, 0, step, default, position.Elapsed + clock.Elapsed, history), module, optimizer, generator, deadCodes, selector);
        }
        selector.RestoreSelected(module);
        module.eval();
        return history;
    }

    // The full metrics of the module as it stands, in evaluation mode, on row-major items.
    private static EvaluationReport Evaluate(RqVaeModule module, float[] items)
    {
        module.eval();
        try
        {
            using var view = RqVaeTokenizer.ViewOf(module);
            return EvaluationReport.Evaluate(view, items);
        }
        finally
        {
            module.train();
        }
    }

    private LossTerms Step(RqVaeModule module, optim.Optimizer optimizer, Parameter[] parameters, Tensor data, Tensor order, int start, int count, long step, DeadCodeReset? deadCodes, ref long resets)
    {
        // The previous step's scalars (its scope is gone by now) are freed before this step's tensors are allocated.
        UnreferencedHandles.Release();
        using var scope = NewDisposeScope();
        var batch = data.index_select(0, order.narrow(0, start, count));
        optimizer.zero_grad();
        var output = module.forward(batch);
        var loss = new LossTerms(
            output.TotalLoss.item<float>(),
            output.ReconstructionLoss.item<float>(),
            output.CommitmentLoss.item<float>(),
            output.CodebookLoss.item<float>());
        // Checked before backward and step: a NaN that reached the optimizer would be in the weights for good.
        DivergenceGuard.EnsureFinite(loss, step);
        output.TotalLoss.backward();
        if (Options.GradientClipNorm > 0) DivergenceGuard.EnsureFiniteGradientNorm(ClipGradients(parameters, Options.GradientClipNorm), step);
        optimizer.step();
        // After the optimizer step, outside autograd: counts usage and re-seeds dead codes.
        if (deadCodes is not null) resets += deadCodes.AfterStep(module.Quantizer, output.Latent, output.Codes);
        return loss;
    }

    /// <summary>1 / mean(x²) over all feature values when the reconstruction loss is normalised (1 for all-zero data), else 1.</summary>
    internal double ReconstructionWeightFor(float[] features)
    {
        if (!Options.NormalizeReconstructionLoss) return 1.0;
        double sum = 0;
        foreach (var x in features) sum += (double)x * x;
        var meanSquare = sum / features.Length;
        return meanSquare > 0 ? 1.0 / meanSquare : 1.0;
    }

    /// <summary>Scales all gradients together so their joint L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    internal static double ClipGradients(IEnumerable<Parameter> parameters, double maxNorm)
        => nn.utils.clip_grad_norm_(parameters, maxNorm);

    private optim.Optimizer CreateOptimizer(Parameter[] parameters) => Options.Optimizer switch
    {
        OptimizerKind.AdamW => new ScalarSafeAdamW(parameters, Options.LearningRate, Options.WeightDecay),
        OptimizerKind.Adam => new ScalarSafeAdam(parameters, Options.LearningRate, weightDecay: Options.WeightDecay),
        OptimizerKind.Adagrad => new ScalarSafeAdagrad(parameters, Options.LearningRate, Options.WeightDecay),
        _ => throw new InvalidOperationException($"Unknown optimizer {Options.Optimizer}."),
    };

    /// <summary>
    /// k-means++ on a sample of latents for level 1, then on what level 1 leaves for level 2, and so on:
    /// every code starts where the residuals of its level actually lie, instead of N(0, 1) noise far from
    /// a small latent (the usual cause of codebook collapse).
    /// </summary>
    private void InitialiseCodebooks(RqVaeModule module, Tensor data, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var quantization = module.Options.Quantization;
        var rows = data.shape[0];
        var sample = ResidualKMeansFit.Sample(data, quantization.KMeansSampleSize, generator);
        var fits = ResidualKMeansFit.Fit(module.Encode(sample), quantization.Levels, quantization.CodebookSize, quantization.KMeansIterations,
            progressiveDimensionSteps: 1, generator);
        for (var l = 0; l < fits.Length; l++)
        {
            var level = module.Quantizer.Levels[l];
            // An EMA codebook starts as if each centroid had been seen by its share of one batch.
            if (level is EmaVectorQuantizer ema)
            {
                using var batchShare = ((double)Math.Min(Options.BatchSize, rows) / sample.shape[0]).ToScalar();
                ema.SetCodebook(fits[l].Centroids, fits[l].Counts.mul(batchShare));
            }
            else
                level.SetCodebook(fits[l].Centroids);
        }
    }
}
