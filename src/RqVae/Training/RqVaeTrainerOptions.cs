using System.Text.Json.Serialization;
using RqVae.Model;

namespace RqVae.Training;

/// <summary>The optimizer that trains the network.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,

    /// <summary>Adam; weight decay, if any, is an L2 penalty.</summary>
    Adam,

    /// <summary>Adagrad, TIGER's choice (with learning rate 0.4).</summary>
    Adagrad,
}

/// <summary>How the learning rate changes over the run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleKind>))]
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,

    /// <summary>The reference pseudo-code's schedule: linear warm-up, then ×0.95 every 1000 steps.</summary>
    WarmupStepDecay,

    /// <summary>Linear warm-up, then cosine decay to <see cref="RqVaeTrainerOptions.MinLearningRateFactor"/>.</summary>
    WarmupCosine,
}

/// <summary>
/// How to train an RQ-VAE. Every member has a documented default that works on real catalogues;
/// <see cref="Validate"/> checks them all before training starts.
/// </summary>
public sealed record RqVaeTrainerOptions
{
    /// <summary>
    /// The architecture, with the quantizer's settings (k-means initialisation and dead-code reset included) in
    /// <see cref="RqVaeOptions.Quantization"/>. <see cref="RqVaeOptions.InputDimension"/> may be left 0: it is then taken from the data.
    /// </summary>
    public RqVaeOptions Model { get; init; } = new();

    /// <summary>
    /// Passes over the (sampled) training items. Default null: as many as <see cref="MaxSteps"/> allows, at most
    /// <see cref="DefaultMaxEpochs"/>, so training time does not grow with the catalogue. A number trains exactly
    /// that many passes whatever the step budget (the behaviour before the budget existed).
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>
    /// The step budget when <see cref="Epochs"/> is null: training runs the fewest whole passes that reach this many
    /// optimizer steps, at most <see cref="DefaultMaxEpochs"/>. Default 5000: on MiniLM movie embeddings (9,066
    /// items, batch 256, 36 steps a pass) reconstruction reaches 0.85 mean cosine by about 4,500 steps and stops
    /// improving after that; larger catalogues see more distinct items in the same number of steps.
    /// </summary>
    public long MaxSteps { get; init; } = 5000;

    /// <summary>
    /// Catalogues with more items than this train on a uniform sample of this many, drawn from <see cref="Seed"/>;
    /// encoding afterwards covers every item. Default 100,000: the codebooks of a 3 × 256 model are settled by a
    /// sample that size, while k-means initialisation and evaluations scale with it. 0 trains on every item.
    /// </summary>
    public int TrainingSampleSize { get; init; } = 100_000;

    /// <summary>
    /// A step-budgeted run (<see cref="Epochs"/> null) also ends early once the codebook metrics on the monitor sample have
    /// stopped improving, after a short cool-down (<see cref="CooldownFraction"/>): after this many consecutive checks, <see cref="ConvergenceCheckSteps"/> apart, in which none of
    /// mean reconstruction cosine, raw collision rate and mean perplexity (as a share of the codebook size) beat its best so
    /// far by <see cref="ConvergenceTolerance"/>. Default 3. 0 turns the stop off; a run with <see cref="Epochs"/> set always
    /// trains every epoch. The monitor sample is held out of training when the catalogue is sampled
    /// (<see cref="TrainingSampleSize"/>); otherwise every item is trained on and the sample is drawn from them, since then
    /// how well the training items are served is what the user gets.
    /// </summary>
    public int ConvergencePatience { get; init; } = 3;

    /// <summary>
    /// The least change that counts as an improvement in a convergence check: added to the best cosine, taken off the
    /// best collision rate, added to the best perplexity share. Default 0.001: a tenth of a percentage point of
    /// collisions, two items of the default monitor sample.
    /// </summary>
    public double ConvergenceTolerance { get; init; } = 0.001;

    /// <summary>
    /// Optimizer steps between convergence checks; a check runs at the end of the first epoch that completes this many
    /// steps after the previous one. Default 500 (14 MovieLens epochs, 1.3 epochs of a 100,000-item sample).
    /// </summary>
    public long ConvergenceCheckSteps { get; init; } = 500;

    /// <summary>
    /// How long a converged run cools down before it ends, as a share of the steps it has taken: the learning rate falls
    /// along a half cosine from its value at the converging check to <see cref="MinLearningRateFactor"/>, over whole epochs
    /// (at least one). Default 0.1, the usual length of a warm-up–stable–decay schedule's decay. Without it a run would
    /// stop at the rate its metrics had plateaued at: on a synthetic million-item catalogue that left 1.25 % raw collisions
    /// where the same data annealed by the budget reached 0.40 %.
    /// </summary>
    public double CooldownFraction { get; init; } = 0.1;

    /// <summary>Items the convergence checks measure (all of them when there are fewer). Default 2048: about 20 ms a check.</summary>
    public int MonitorSampleSize { get; init; } = 2048;

    /// <summary>True when this run stops on convergence as well as on its budget: <see cref="Epochs"/> null and a patience.</summary>
    [JsonIgnore]
    public bool StopsOnConvergence => Epochs is null && ConvergencePatience > 0;

    /// <summary>The most passes a step-budgeted run makes (small catalogues): 150, the fixed default before the budget.</summary>
    public const int DefaultMaxEpochs = 150;

    /// <summary>The items training uses out of a catalogue of <paramref name="rows"/>: all, or <see cref="TrainingSampleSize"/>.</summary>
    public long TrainingRowsFor(long rows) => TrainingSampleSize > 0 ? Math.Min(rows, TrainingSampleSize) : rows;

    /// <summary>The passes a run over a catalogue of <paramref name="rows"/> makes: <see cref="Epochs"/>, or the step budget's.</summary>
    public int EpochsFor(long rows)
    {
        if (Epochs is { } epochs) return epochs;
        var stepsPerEpoch = Math.Max(1, (TrainingRowsFor(rows) + BatchSize - 1) / BatchSize);
        return (int)Math.Clamp((MaxSteps + stepsPerEpoch - 1) / stepsPerEpoch, 1, DefaultMaxEpochs);
    }

    /// <summary>These options with <see cref="Epochs"/> fixed for a catalogue of <paramref name="rows"/> (what a run records and resumes with).</summary>
    public RqVaeTrainerOptions ResolvedFor(long rows) => this with { Epochs = EpochsFor(rows) };

    /// <summary>Items per optimizer step. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Default <see cref="OptimizerKind.AdamW"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>
    /// Base (peak) learning rate, reached after the warm-up. Default 2e-3: with warm-up, gradient clipping
    /// and cosine decay, 1e-3 (the usual Adam default) converged more slowly at the same final quality
    /// (MovieLens, 100 epochs: cosine 0.837 against 0.843) and 3e-3 no better than 2e-3.
    /// </summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Weight decay. Default 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Default <see cref="ScheduleKind.WarmupCosine"/>.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.WarmupCosine;

    /// <summary>Warm-up steps; when null, <see cref="WarmupFraction"/> of all steps. Default null.</summary>
    public long? WarmupSteps { get; init; }

    /// <summary>Share of all steps spent warming up when <see cref="WarmupSteps"/> is null. Default 0.05.</summary>
    public double WarmupFraction { get; init; } = 0.05;

    /// <summary>Factor of the step-decay schedule. Default 0.95 (the reference pseudo-code's).</summary>
    public double StepDecayRate { get; init; } = 0.95;

    /// <summary>Steps between decays of the step-decay schedule. Default 1000 (the reference pseudo-code's).</summary>
    public long StepDecayInterval { get; init; } = 1000;

    /// <summary>Where the cosine schedule ends, as a share of the base rate. Default 0.01.</summary>
    public double MinLearningRateFactor { get; init; } = 0.01;

    /// <summary>Largest L2 norm of all gradients together; larger ones are scaled down. 0 turns clipping off. Default 1.0.</summary>
    public double GradientClipNorm { get; init; } = 1.0;

    /// <summary>Seeds weights, shuffling and k-means: the same seed, data and thread count give the same IDs. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Threads torch may use (process-wide); 0 keeps torch's own choice. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Also compute the full metrics every this many epochs, for the history (curves, progress). The epochs
    /// of <see cref="CheckpointSelectionWindow"/> and the last one are always evaluated. Default 0: only
    /// those, because an evaluation encodes and reconstructs the whole training set (about a third of an
    /// epoch's time) and training does not need it.
    /// </summary>
    public int EvaluateEvery { get; init; }

    /// <summary>Which epoch's weights training returns. Default <see cref="Training.CheckpointSelection.LowestCollisionRate"/> (among the epochs of <see cref="CheckpointSelectionWindow"/>).</summary>
    public CheckpointSelection CheckpointSelection { get; init; } = CheckpointSelection.LowestCollisionRate;

    /// <summary>
    /// The share of final epochs that checkpoint selection chooses from; each of them is evaluated. Default
    /// 0.1 (the last 15 of 150 epochs): by then the cosine schedule has brought the learning rate under 3 % of
    /// its peak and reconstruction has stopped improving, while the collision rate still moves from epoch to
    /// epoch, so choosing among them lowers collisions at no cost in reconstruction. An earlier, less-trained
    /// epoch can have fewer collisions only because its latents are coarser; 1 lets selection consider every epoch.
    /// </summary>
    public double CheckpointSelectionWindow { get; init; } = 0.1;

    /// <summary>
    /// The first epoch checkpoint selection considers (1-based); past <see cref="Epochs"/> when selection keeps the last
    /// epoch. Of options with <see cref="Epochs"/> set (<see cref="ResolvedFor"/>); null counts as <see cref="DefaultMaxEpochs"/>.
    /// </summary>
    [JsonIgnore]
    public int FirstSelectableEpoch
    {
        get
        {
            var epochs = Epochs ?? DefaultMaxEpochs;
            return CheckpointSelection == CheckpointSelection.Last
                ? epochs + 1
                : Math.Max(1, epochs - (int)Math.Ceiling(epochs * CheckpointSelectionWindow) + 1);
        }
    }

    /// <summary>
    /// Divide the reconstruction term by the mean square of the training features, so the balance between
    /// reconstruction and the quantization losses does not depend on the features' units. Without it,
    /// unit-norm sentence embeddings (mean square 1/384 per element) give a reconstruction term hundreds of
    /// times smaller than the commitment term, and the encoder collapses every latent onto one code.
    /// Default true; false gives the plain unweighted mean squared error.
    /// </summary>
    public bool NormalizeReconstructionLoss { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public RqVaeTrainerOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        Require(Epochs is null or > 0, nameof(Epochs), $"must be positive (got {Epochs})");
        Require(MaxSteps > 0, nameof(MaxSteps), $"must be positive (got {MaxSteps})");
        Require(TrainingSampleSize >= 0, nameof(TrainingSampleSize), $"must be ≥ 0 (got {TrainingSampleSize})");
        Require(ConvergencePatience >= 0, nameof(ConvergencePatience), $"must be ≥ 0 (got {ConvergencePatience})");
        Require(ConvergenceTolerance >= 0 && double.IsFinite(ConvergenceTolerance), nameof(ConvergenceTolerance), $"must be a finite number ≥ 0 (got {ConvergenceTolerance})");
        Require(ConvergenceCheckSteps > 0, nameof(ConvergenceCheckSteps), $"must be positive (got {ConvergenceCheckSteps})");
        Require(CooldownFraction is > 0 and <= 1, nameof(CooldownFraction), $"must be in (0, 1] (got {CooldownFraction})");
        Require(MonitorSampleSize > 0, nameof(MonitorSampleSize), $"must be positive (got {MonitorSampleSize})");
        Require(BatchSize > 0, nameof(BatchSize), $"must be positive (got {BatchSize})");
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), $"is not a known optimizer ({Optimizer})");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be a finite number > 0 (got {LearningRate})");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"must be a finite number ≥ 0 (got {WeightDecay})");
        Require(Enum.IsDefined(Schedule), nameof(Schedule), $"is not a known schedule ({Schedule})");
        Require(WarmupSteps is null or >= 0, nameof(WarmupSteps), $"must be ≥ 0 (got {WarmupSteps})");
        Require(WarmupFraction is >= 0 and < 1, nameof(WarmupFraction), $"must be in [0, 1) (got {WarmupFraction})");
        Require(StepDecayRate is > 0 and <= 1, nameof(StepDecayRate), $"must be in (0, 1] (got {StepDecayRate})");
        Require(StepDecayInterval > 0, nameof(StepDecayInterval), $"must be positive (got {StepDecayInterval})");
        Require(MinLearningRateFactor is >= 0 and <= 1, nameof(MinLearningRateFactor), $"must be in [0, 1] (got {MinLearningRateFactor})");
        Require(GradientClipNorm >= 0 && double.IsFinite(GradientClipNorm), nameof(GradientClipNorm), $"must be a finite number ≥ 0 (got {GradientClipNorm})");
        Require(Threads >= 0, nameof(Threads), $"must be ≥ 0 (got {Threads})");
        Require(EvaluateEvery >= 0, nameof(EvaluateEvery), $"must be ≥ 0 (got {EvaluateEvery})");
        Require(Enum.IsDefined(CheckpointSelection), nameof(CheckpointSelection), $"is not a known selection ({CheckpointSelection})");
        Require(CheckpointSelectionWindow is > 0 and <= 1, nameof(CheckpointSelectionWindow), $"must be in (0, 1] (got {CheckpointSelectionWindow})");
        // The quantizer's settings do not depend on the data, so they are checked now even when the input width is not known yet.
        ArgumentNullException.ThrowIfNull(Model.Quantization, nameof(Model.Quantization));
        Model.Quantization.Validate();
        if (Model.InputDimension != 0) Model.Validate();
        return this;
    }

    private static void Require(bool condition, string member, string message) => RqVaeOptions.Require(condition, member, message);
}
