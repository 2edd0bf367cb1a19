using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
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
        Tensor? content = null;
        if (options.DenseWeight > 0)
        {
            var embeddings = data.ItemEmbeddings ?? throw new RecommenderInputException("A TIGER dense head (DenseWeight > 0) needs a content embedding for every item; pass the items' features.");
            content = tensor(embeddings);
            options = options with { ContentDimension = embeddings.GetLength(1) };
        }
        else if (options.ContentDimension != 0)
        {
            options = options with { ContentDimension = 0 };
        }
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
        var parameters = module.parameters().ToArray();
        using var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var stepsPerEpoch = (examples.Length + options.BatchSize - 1) / options.BatchSize;
        var schedule = new WarmupCosineSchedule(options.WarmupSteps, (long)stepsPerEpoch * options.Epochs);
        using var coldMask = tensor(data.ColdItems.ToArray());
        var optionsJson = JsonSerializer.Serialize(options, RecommenderConfig.JsonOptions);
        var dataSha = DataSha256(data, examples.Length, maxHistory);
        var checkpointPath = settings.CheckpointDirectory is null ? null : Path.Combine(settings.CheckpointDirectory, TigerCheckpoint.FileName);

        int epoch = 1, bestEpoch = 0;
        long step = 0;
        var bestNdcg = double.NegativeInfinity;
        var elapsedBefore = TimeSpan.Zero;
        Dictionary<string, Tensor>? best = null;
        if (settings.Resume && checkpointPath is not null && File.Exists(checkpointPath))
        {
            var (state, sections) = TigerCheckpoint.Read(checkpointPath);
            if (state.OptionsJson != optionsJson)
                throw new RecommenderInputException($"{checkpointPath}: the checkpoint was made with other TIGER options; resume with the options of the interrupted run, or start afresh without resume.");
            if (state.DataSha256 != dataSha)
                throw new RecommenderInputException($"{checkpointPath}: the checkpoint was made on other data (training sequences, validation, IDs or seed differ); resume with the same data, or start afresh without resume.");
            best = TigerCheckpoint.Restore(sections, module, optimizer, generator);
            (epoch, step, bestNdcg, bestEpoch, elapsedBefore) = (state.NextEpoch, state.Step, state.BestNdcg, state.BestEpoch, TimeSpan.FromSeconds(state.ElapsedSeconds));
        }

        using var view = new ValidationView(module, vocabulary, data, options, maxHistory);
        try
        {
            for (; epoch <= options.Epochs && (bestEpoch == 0 || epoch - bestEpoch <= options.Patience); epoch++)
            {
                module.train();
                var order = Permutation(examples.Length, data.Seed, epoch);
                double lossSum = 0;
                for (var start = 0; start < examples.Length; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var count = Math.Min(options.BatchSize, examples.Length - start);
                    var batch = new TrainingExample[count];
                    for (var i = 0; i < count; i++) batch[i] = examples[order[start + i]];
                    step++;
                    var rate = options.LearningRate * schedule.Factor(step);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                    var loss = Loss(module, vocabulary, batch, options, maxHistory, coldMask);
                    var value = loss.item<float>();
                    if (!float.IsFinite(value)) throw new TrainingDivergedException(step, "TIGER loss", value);
                    optimizer.zero_grad();
                    loss.backward();
                    var norm = nn.utils.clip_grad_norm_(parameters, options.ClipNorm);
                    if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm);
                    optimizer.step();
                    lossSum += value * count;
                }
                module.eval();
                var ndcg = RankingMetrics.Ndcg10(view.Recommender, data.Validation);
                if (ndcg > bestNdcg)
                {
                    bestNdcg = ndcg;
                    bestEpoch = epoch;
                    DisposeAll(best);
                    best = module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
                }
                if (checkpointPath is not null)
                {
                    var state = new TigerCheckpointState
                    {
                        OptionsJson = optionsJson,
                        DataSha256 = dataSha,
                        NextEpoch = epoch + 1,
                        Step = step,
                        BestNdcg = bestNdcg,
                        BestEpoch = bestEpoch,
                        ElapsedSeconds = (elapsedBefore + clock.Elapsed).TotalSeconds,
                    };
                    TigerCheckpoint.Write(checkpointPath, state, module, best, optimizer, generator);
                }
                progress?.Report(new RecommenderTrainingProgress(epoch, options.Epochs, lossSum / examples.Length, ndcg, bestEpoch, elapsedBefore + clock.Elapsed));
            }
            if (best is not null)
            {
                using var noGrad = no_grad();
                var current = module.state_dict();
                foreach (var (name, value) in best) current[name].copy_(value);
            }
            module.eval();
            return (bestEpoch, bestNdcg);
        }
        finally
        {
            DisposeAll(best);
        }
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
            loss = loss is null ? term : loss + term;
        }
        loss = loss! / vocabulary.Levels;
        if (options.DenseWeight > 0)
        {
            // The dense head reads the decoder's state at BOS (before any code): a softmax over the cosines to every
            // warm item's content; cold items are left out, as no training example may push them down.
            var similarity = module.ContentSimilarity(states.select(1, 0)) / options.DenseTemperature;
            similarity = similarity.masked_fill(coldMask.unsqueeze(0), -1e9f);
            loss = loss + options.DenseWeight * nn.functional.cross_entropy(similarity, tensor(targets.Select(t => (long)t).ToArray()));
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The epoch's order of the examples: a seeded Fisher–Yates shuffle, the same for the same seed and epoch.</summary>
    internal static int[] Permutation(int count, long seed, int epoch)
    {
        var random = new Random(HashCode.Combine(seed, epoch, 0x71637));
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
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

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
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
