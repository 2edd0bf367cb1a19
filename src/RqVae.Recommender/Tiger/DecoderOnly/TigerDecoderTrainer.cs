using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using RqVae.Platform;
using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger.Modules;
using RqVae.Training;
using RqVae.Training.Resources;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>
/// Fits a decoder-only TIGER recommender: each user's training sequence is cut into windows
/// (<see cref="TigerDecoderOptions.Window"/> items, <see cref="TigerDecoderOptions.Stride"/> apart), each window is one
/// flattened token sequence, and one causal pass teaches every code token of every item after the window's first
/// (label-smoothed cross-entropy per level, AdamW with warm-up and cosine decay, clipped gradients). An epoch is one
/// pass per window, not one encoder pass per (history, next item) pair. Validation NDCG@10 after every epoch picks the
/// epoch kept and stops the run when it has not improved for <see cref="TigerDecoderOptions.Patience"/> epochs. Same data,
/// options, seed and thread count give bit-identical weights; a run resumed from its checkpoint ends with the weights of
/// an uninterrupted one.
/// </summary>
public static class TigerDecoderTrainer
{
    /// <summary>Fits on <paramref name="data"/>, which must carry semantic IDs.</summary>
    /// <exception cref="RecommenderInputException">The data lacks IDs or gives no training target.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient stopped being finite.</exception>
    public static TigerDecoderRecommender Fit(RecommenderTrainingData data, TigerDecoderOptions options, RecommenderFitSettings? settings = null,
        IProgress<RecommenderTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options = options.Validate();
        settings ??= new RecommenderFitSettings();
        var ids = data.SemanticIds ?? throw new RecommenderInputException("TIGER needs a semantic ID table with one row per catalogue item; pass one (--ids TABLE).");
        var vocabulary = TigerVocabulary.Create(ids);
        var windows = TigerDecoderInputs.Windows(data.TrainingSequences, options.Window, options.Stride);
        if (windows.Length == 0) throw new RecommenderInputException("The training sequences give no training target; every user needs at least two training items.");
        var (content, contentDimension) = DenseHead.ContentFor(data, options.DenseWeight, "The decoder-only TIGER's dense head (DenseWeight > 0, on by default) needs a content embedding for every item: pass the items' features (--item-features FILE), or train without the head (--set dense_weight=0 --set ranking=Generative).");
        options = options with { ContentDimension = contentDimension };
        var estimate = TigerMemoryEstimate.ForDecoderOnly(options, vocabulary);
        try
        {
            estimate.EnsureFits(TrainingMemoryEstimate.AvailableBytes());
        }
        catch
        {
            content?.Dispose();
            throw;
        }
        if (options.Threads > 0) set_num_threads(options.Threads);

        var clock = Stopwatch.StartNew();
        using var generator = new Generator((ulong)data.Seed);
        var module = new TigerDecoderModule(options, vocabulary, generator, content);
        content?.Dispose();
        try
        {
            var bestEpoch = Train(module, vocabulary, data, windows, options, generator, settings, clock, progress, cancellationToken);
            return new TigerDecoderRecommender(module, vocabulary, ids, options, data.ColdItems, bestEpoch);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static int Train(TigerDecoderModule module, TigerVocabulary vocabulary, RecommenderTrainingData data, TigerWindow[] windows,
        TigerDecoderOptions options, Generator generator, RecommenderFitSettings settings, Stopwatch clock,
        IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using var view = new TigerDecoderRecommender(module, vocabulary, data.SemanticIds!, options, data.ColdItems, 0, ownsModule: false);
        using var cold = tensor(data.ColdItems.ToArray());
        var dense = options.DenseWeight > 0 ? new DenseLoss(options.DenseWeight, options.DenseTemperature, cold) : null;
        var loop = new TigerLoopSettings(options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay, options.WarmupSteps, options.ClipNorm, options.Patience);
        return TigerTrainingLoop.Run(module, windows, loop, data.Seed, JsonSerializer.Serialize(options, RecommenderConfig.JsonOptions), DataSha256(data, windows.Length),
            generator, settings, clock, batch => Loss(module, vocabulary, data.TrainingSequences, batch, options.LabelSmoothing, dense), () => RankingMetrics.Ndcg10(view, data.Validation),
            progress, cancellationToken).BestEpoch;
    }

    /// <summary>
    /// The mean over levels of each level's cross-entropy over its codes, at every target position of the batch; with
    /// <paramref name="dense"/>, plus its weight times the dense head's loss at the state before each target item's
    /// first code.
    /// </summary>
    internal static Tensor Loss(TigerDecoderModule module, TigerVocabulary vocabulary, IReadOnlyList<int[]> sequences, ReadOnlySpan<TigerWindow> batch, double labelSmoothing, DenseLoss? dense = null)
    {
        using var scope = NewDisposeScope();
        var (input, prefixes, targets) = TigerDecoderInputs.Training(vocabulary, sequences, batch);
        var levels = vocabulary.Levels;
        var states = module.forward(input, module.UsesPrefixes ? prefixes : null);
        states = states.view(input.shape[0], -1, levels, states.shape[2]);
        Tensor? loss = null;
        for (var l = 0; l < levels; l++)
        {
            var level = module.LevelLogits(states.select(2, l), vocabulary.Offset(l), vocabulary.LevelSize(l)).reshape(-1, vocabulary.LevelSize(l));
            var term = nn.functional.cross_entropy(level, targets.select(2, l).reshape(-1), ignore_index: TigerDecoderInputs.Ignored, label_smoothing: labelSmoothing);
            loss = loss is null ? term : loss.add(term, Scalars.One);
        }
        using var levelCount = levels.ToScalar();
        loss = loss!.div(levelCount);
        if (dense is not null)
        {
            // Position j·L reads the tokens of items 0 … j − 1 and predicts item j's first code: the state the
            // recommender's dense head reads after a history.
            var first = states.select(2, 0);
            var items = TigerDecoderInputs.TargetItems(sequences, batch);
            using var denseWeight = dense.Weight.ToScalar();
            loss = loss.add(module.Dense.Loss(first.reshape(-1, first.shape[2]), items.reshape(-1), dense.Cold, dense.Temperature, TigerDecoderInputs.Ignored).mul(denseWeight), Scalars.One);
        }
        return loss.MoveToOuterDisposeScope();
    }

    private static string DataSha256(RecommenderTrainingData data, int windows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(long value) => hash.AppendData(BitConverter.GetBytes(value));
        Add(data.Seed);
        Add(windows);
        foreach (var s in data.TrainingSequences)
        {
            Add(s.Length);
            foreach (var i in s) Add(i);
        }
        foreach (var c in data.Validation)
        {
            Add(c.Target);
            foreach (var i in c.History) Add(i);
        }
        foreach (var code in data.SemanticIds!.Codes) Add(code);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
