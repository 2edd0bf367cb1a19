using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using RqVae.Platform;
using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger.Modules;
using RqVae.Training;
using RqVae.Training.Resources;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// Fits a TIGER recommender: every (history, next item) pair of the training sequences is one example, the decoder is
/// taught the next item's ID token by token (teacher forcing, label-smoothed cross-entropy per level, AdamW with warm-up
/// and cosine decay, clipped gradients), validation NDCG@10 after every epoch picks the epoch kept and stops the run when
/// it has not improved for <see cref="TigerRecommenderOptions.Patience"/> epochs. Same data, options, seed and thread
/// count give bit-identical weights; a run resumed from its checkpoint ends with the weights of an uninterrupted one.
/// </summary>
public static class TigerTrainer
{
    /// <summary>Fits on <paramref name="data"/> (which must carry semantic IDs, and item embeddings for a dense head).</summary>
    /// <exception cref="RecommenderInputException">The data lacks what the options need.</exception>
    /// <exception cref="TrainingDivergedException">A loss or gradient stopped being finite.</exception>
    public static TigerRecommender Fit(RecommenderTrainingData data, TigerRecommenderOptions options, RecommenderFitSettings? settings = null,
        IProgress<RecommenderTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options = options.Validate();
        settings ??= new RecommenderFitSettings();
        var ids = data.SemanticIds ?? throw new RecommenderInputException("TIGER needs a semantic ID table with one row per catalogue item; pass one (--ids TABLE).");
        var vocabulary = TigerVocabulary.Create(ids);
        var maxHistory = options.MaxHistory > 0 ? options.MaxHistory : data.MaxHistory;
        var (content, contentDimension) = DenseHead.ContentFor(data, options.DenseWeight, "A TIGER dense head (DenseWeight > 0) needs a content embedding for every item; pass the items' features.");
        options = options with { ContentDimension = contentDimension };
        var examples = data.TrainingExamples(maxHistory).ToArray();
        if (examples.Length == 0) throw new RecommenderInputException("The training sequences give no (history, next item) pair; every user needs at least two training items.");
        var estimate = TigerMemoryEstimate.For(options, vocabulary, ids.Count, maxHistory);
        estimate.EnsureFits(TrainingMemoryEstimate.AvailableBytes());
        if (options.Threads > 0) set_num_threads(options.Threads);

        var clock = Stopwatch.StartNew();
        using var generator = new Generator((ulong)data.Seed);
        var module = new TigerModule(options.Model, vocabulary, content, generator);
        content?.Dispose();
        try
        {
            var (bestEpoch, _) = Train(module, vocabulary, data, examples, options, maxHistory, generator, settings, clock, progress, cancellationToken);
            return new TigerRecommender(module, vocabulary, ids, options, maxHistory, data.ColdItems, bestEpoch);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static (int BestEpoch, double BestNdcg) Train(TigerModule module, TigerVocabulary vocabulary, RecommenderTrainingData data, TrainingExample[] examples,
        TigerRecommenderOptions options, int maxHistory, Generator generator, RecommenderFitSettings settings, Stopwatch clock,
        IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        using var coldMask = tensor(data.ColdItems.ToArray());
        using var view = new ValidationView(module, vocabulary, data, options, maxHistory);
        var loop = new TigerLoopSettings(options.Epochs, options.BatchSize, options.LearningRate, options.WeightDecay, options.WarmupSteps, options.ClipNorm, options.Patience);
        return TigerTrainingLoop.Run(module, examples, loop, data.Seed, JsonSerializer.Serialize(options, RecommenderConfig.JsonOptions), DataSha256(data, examples.Length, maxHistory),
            generator, settings, clock, batch => Loss(module, vocabulary, batch, options, maxHistory, coldMask), () => RankingMetrics.Ndcg10(view.Recommender, data.Validation),
            progress, cancellationToken);
    }

    private static Tensor Loss(TigerModule module, TigerVocabulary vocabulary, TrainingExample[] batch, TigerRecommenderOptions options, int maxHistory, Tensor coldMask)
    {
        using var scope = NewDisposeScope();
        var (input, padding) = TigerInputs.Encoder(vocabulary, options.Model.HistoryInput, [.. batch.Select(e => e.History)], maxHistory);
        var targets = batch.Select(e => e.Target).ToArray();
        var (decoderInput, codes) = TigerInputs.Decoder(vocabulary, targets);
        var (memory, mask) = module.Encode(input, padding, null);
        var states = module.Decode(decoderInput, memory, mask);
        var logits = module.Logits(states);
        Tensor? loss = null;
        for (var l = 0; l < vocabulary.Levels; l++)
        {
            var level = logits.select(1, l).narrow(1, vocabulary.Offset(l), vocabulary.LevelSize(l));
            var term = nn.functional.cross_entropy(level, codes.select(1, l), label_smoothing: options.LabelSmoothing);
            loss = loss is null ? term : loss.add(term, Scalars.One);
        }
        using var levelCount = vocabulary.Levels.ToScalar();
        loss = loss!.div(levelCount);
        if (options.DenseWeight > 0)
        {
            // The dense head reads the decoder's state at BOS (before any code): a softmax over the cosines to every
            // warm item's content; cold items are left out, as no training example may push them down.
            using var denseWeight = options.DenseWeight.ToScalar();
            loss = loss.add(module.Dense.Loss(states.select(1, 0), tensor(targets.Select(t => (long)t).ToArray()), coldMask, options.DenseTemperature).mul(denseWeight), Scalars.One);
        }
        return loss.MoveToOuterDisposeScope();
    }

    private static string DataSha256(RecommenderTrainingData data, int examples, int maxHistory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(long value) => hash.AppendData(BitConverter.GetBytes(value));
        Add(data.Seed);
        Add(examples);
        Add(maxHistory);
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

    // The recommender over the module being trained, for validation; disposing it leaves the module alone.
    private sealed class ValidationView(TigerModule module, TigerVocabulary vocabulary, RecommenderTrainingData data, TigerRecommenderOptions options, int maxHistory) : IDisposable
    {
        public IRecommender Recommender { get; } = new NonOwning(new TigerRecommender(module, vocabulary, data.SemanticIds!, options, maxHistory, data.ColdItems, 0));

        public void Dispose() { }

        private sealed class NonOwning(TigerRecommender inner) : IRecommender
        {
            public string Kind => inner.Kind;
            public int ItemCount => inner.ItemCount;
            public long ParameterCount => inner.ParameterCount;
            public int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null) => inner.Recommend(histories, k, exclusions);
            public void Save(string directory) => inner.Save(directory);
            public void Dispose() { }
        }
    }
}
