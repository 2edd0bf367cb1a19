using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using RqVae.Recommender.Protocol;
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
        var estimate = TigerMemoryEstimate.ForDecoderOnly(options, vocabulary);
        estimate.EnsureFits(TrainingMemoryEstimate.AvailableBytes());
        if (options.Threads > 0) set_num_threads(options.Threads);

        var clock = Stopwatch.StartNew();
        using var generator = new Generator((ulong)data.Seed);
        var module = new TigerDecoderModule(options, vocabulary, generator);
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
        var parameters = module.parameters().ToArray();
        using var optimizer = optim.AdamW(parameters, options.LearningRate, weight_decay: options.WeightDecay);
        var stepsPerEpoch = (windows.Length + options.BatchSize - 1) / options.BatchSize;
        var schedule = new WarmupCosineSchedule(options.WarmupSteps, (long)stepsPerEpoch * options.Epochs);
        var optionsJson = JsonSerializer.Serialize(options, RecommenderConfig.JsonOptions);
        var dataSha = DataSha256(data, windows.Length);
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

        using var view = new TigerDecoderRecommender(module, vocabulary, data.SemanticIds!, options, data.ColdItems, 0, ownsModule: false);
        try
        {
            for (; epoch <= options.Epochs && (bestEpoch == 0 || epoch - bestEpoch <= options.Patience); epoch++)
            {
                module.train();
                var order = TigerTrainer.Permutation(windows.Length, data.Seed, epoch);
                double lossSum = 0;
                for (var start = 0; start < windows.Length; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var count = Math.Min(options.BatchSize, windows.Length - start);
                    var batch = new TigerWindow[count];
                    for (var i = 0; i < count; i++) batch[i] = windows[order[start + i]];
                    step++;
                    var rate = options.LearningRate * schedule.Factor(step);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                    var loss = Loss(module, vocabulary, data.TrainingSequences, batch, options.LabelSmoothing);
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
                var ndcg = RankingMetrics.Ndcg10(view, data.Validation);
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
                progress?.Report(new RecommenderTrainingProgress(epoch, options.Epochs, lossSum / windows.Length, ndcg, bestEpoch, elapsedBefore + clock.Elapsed));
            }
            if (best is not null)
            {
                using var noGrad = no_grad();
                var current = module.state_dict();
                foreach (var (name, value) in best) current[name].copy_(value);
            }
            module.eval();
            return bestEpoch;
        }
        finally
        {
            DisposeAll(best);
        }
    }

    /// <summary>The mean over levels of each level's cross-entropy over its codes, at every target position of the batch.</summary>
    internal static Tensor Loss(TigerDecoderModule module, TigerVocabulary vocabulary, IReadOnlyList<int[]> sequences, ReadOnlySpan<TigerWindow> batch, double labelSmoothing)
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
            loss = loss is null ? term : loss + term;
        }
        return (loss! / levels).MoveToOuterDisposeScope();
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

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
