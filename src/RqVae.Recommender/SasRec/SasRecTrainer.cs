using System.Diagnostics;
using RqVae.Recommender.Protocol;
using RqVae.Training;
using RqVae.Training.Optimizers;
using RqVae.Training.Resources;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.SasRec;

/// <summary>
/// Trains a SASRec: each user's training sequence is cut from its end into windows of up to MaxLength + 1 items so
/// that every transition is a target once (<see cref="SasRecOptions.EveryWindow"/>, <see cref="SasRecOptions.Stride"/>;
/// or only its last window); each window predicts its next item at every target position with full-softmax
/// cross-entropy over all items; Adam; after every epoch validation NDCG@10 decides which weights are kept, and
/// training stops after <see cref="SasRecOptions.Patience"/> epochs without improvement. Deterministic: the same data,
/// options, seed and thread count give the same weights (every epoch reseeds dropout and the shuffle from the seed
/// and the epoch number, which also makes a resumed run continue exactly as the uninterrupted one).
/// </summary>
internal static class SasRecTrainer
{
    public static SasRecRecommender Fit(RecommenderTrainingData data, SasRecOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var windows = Windows(data.TrainingSequences, options.MaxLength, options.EveryWindow, options.Stride == 0 ? options.MaxLength : options.Stride);
        if (windows.Count == 0) throw new RecommenderInputException("No training sequence has two items: SASRec has nothing to learn from.");
        EstimateMemory(options, data.ItemCount).EnsureFits(TrainingMemoryEstimate.AvailableBytes(), featuresLoaded: true);

        using var generator = new Generator(unchecked((ulong)data.Seed));
        var module = new SasRecModule(data.ItemCount, options, generator);
        module.MarkTrained(data.TrainingSequences);
        var best = new SasRecModule(data.ItemCount, options, generator: null);
        try
        {
            CopyWeights(module, best);
            using var optimizer = new ScalarSafeAdam(module.parameters(), options.LearningRate, beta1: 0.9, beta2: options.Beta2);
            var checkpoint = settings.CheckpointDirectory is null ? null : new SasRecCheckpoint(settings.CheckpointDirectory, SasRecCheckpoint.FingerprintOf(data, options));
            var state = (settings.Resume ? checkpoint?.Restore(module, best, optimizer) : null) ?? new SasRecTrainingState();
            var clock = Stopwatch.StartNew();
            var elapsedBefore = TimeSpan.FromSeconds(state.ElapsedSeconds);
            while (state.Epoch < options.MaxEpochs && (state.Epoch == 0 || state.EpochsWithoutImprovement < options.Patience))
            {
                var epoch = state.Epoch + 1;
                var (loss, steps) = TrainEpoch(module, optimizer, generator, windows, options, data.Seed, epoch, state.Steps, cancellationToken);
                var ndcg = ValidationNdcg10(module, data.Validation);
                var improved = ndcg > state.BestNdcg10 || state.BestEpoch == 0;
                if (improved) CopyWeights(module, best);
                state = state with
                {
                    Epoch = epoch,
                    Steps = steps,
                    BestEpoch = improved ? epoch : state.BestEpoch,
                    BestNdcg10 = improved ? ndcg : state.BestNdcg10,
                    EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1,
                    ElapsedSeconds = (elapsedBefore + clock.Elapsed).TotalSeconds,
                };
                checkpoint?.Save(state, module, best, optimizer);
                progress?.Report(new RecommenderTrainingProgress(epoch, options.MaxEpochs, loss, ndcg, state.BestEpoch, elapsedBefore + clock.Elapsed));
            }
            module.Dispose();
            return new SasRecRecommender(best, new SasRecTrainingSummary(state.Epoch, state.BestEpoch, state.BestNdcg10));
        }
        catch
        {
            module.Dispose();
            best.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The training windows of every sequence. Without <paramref name="every"/>: its last <paramref name="length"/> + 1 items,
    /// each transition of them a target. With it, windows end every <paramref name="stride"/> items from the sequence's
    /// end backwards, each up to <paramref name="length"/> + 1 items long and training only its last
    /// <paramref name="stride"/> transitions, so every transition is a target exactly once and has up to
    /// <paramref name="length"/> − <paramref name="stride"/> earlier items as context even at the start of its span.
    /// </summary>
    internal static List<SasRecWindow> Windows(IReadOnlyList<int[]> sequences, int length, bool every, int stride)
    {
        if (stride < 1 || stride > length) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be between 1 and the length ({length}).");
        var windows = new List<SasRecWindow>();
        foreach (var s in sequences)
        {
            if (!every)
            {
                if (s.Length >= 2) windows.Add(new SasRecWindow(s[Math.Max(0, s.Length - length - 1)..], Math.Min(length, s.Length - 1)));
                continue;
            }
            for (var end = s.Length; end >= 2; end -= stride)
            {
                var start = Math.Max(0, end - length - 1);
                windows.Add(new SasRecWindow(s[start..end], Math.Min(stride, end - 1)));
            }
        }
        return windows;
    }

    private static (double Loss, long Steps) TrainEpoch(SasRecModule module, TorchSharp.Modules.OptimizerHelper optimizer, Generator generator, List<SasRecWindow> windows, SasRecOptions options, long seed, int epoch, long steps, CancellationToken cancellationToken)
    {
        // Each epoch's dropout and order follow from the seed and the epoch alone, so a resumed run continues exactly.
        var epochSeed = unchecked(seed * 1_000_003 + epoch);
        generator.manual_seed(epochSeed);
        var order = Enumerable.Range(0, windows.Count).ToArray();
        new Random(unchecked((int)(epochSeed ^ (epochSeed >> 32)))).Shuffle(order);
        module.train();
        double sum = 0;
        var batches = 0;
        for (var start = 0; start < order.Length; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.Skip(start).Take(options.BatchSize).Select(i => windows[i]).ToArray();
            using var scope = NewDisposeScope();
            var loss = Loss(module, batch);
            optimizer.zero_grad();
            loss.backward();
            var value = loss.item<float>();
            steps++;
            if (!float.IsFinite(value)) throw new TrainingDivergedException(steps, "cross-entropy loss", value);
            optimizer.step();
            sum += value;
            batches++;
        }
        return (sum / Math.Max(1, batches), steps);
    }

    /// <summary>
    /// The mean full-softmax cross-entropy over every target of <paramref name="batch"/>: each window is left-padded to
    /// the model's length; a position is scored only when its next item is one of the window's targets, so padding and
    /// context-only positions add nothing.
    /// </summary>
    internal static Tensor Loss(SasRecModule module, IReadOnlyList<SasRecWindow> batch)
    {
        var length = module.Options.MaxLength;
        var count = batch.Count;
        var tokens = new long[count * length];
        var targets = new List<long>();
        var positions = new List<long>();
        for (var b = 0; b < count; b++)
        {
            var w = batch[b].Items;
            var n = w.Length - 1;
            var offset = b * length + (length - n);
            for (var t = 0; t < n; t++)
            {
                tokens[offset + t] = w[t] + 1;
                if (t < n - batch[b].Targets) continue;
                targets.Add(w[t + 1]);
                positions.Add(offset + t);
            }
        }
        using var scope = NewDisposeScope();
        var hidden = module.forward(tensor(tokens, [count, length])).reshape(-1, module.Options.Dimension);
        var logits = module.Scores(hidden.index_select(0, tensor(positions.ToArray())));
        return nn.functional.cross_entropy(logits, tensor(targets.ToArray())).MoveToOuterDisposeScope();
    }

    /// <summary>Validation NDCG@10 of the module as it is now (put in eval mode for the measurement).</summary>
    internal static double ValidationNdcg10(SasRecModule module, IReadOnlyList<EvaluationCase> cases)
    {
        if (cases.Count == 0) return 0;
        module.eval();
        var histories = cases.Select(c => c.History).ToArray();
        double sum = 0;
        const int batch = 256;
        for (var start = 0; start < histories.Length; start += batch)
        {
            var count = Math.Min(batch, histories.Length - start);
            var scores = SasRecRecommender.Score(module, histories, start, count);
            for (var i = 0; i < count; i++)
            {
                var top = TopItems.Select(scores.AsSpan(i * module.ItemCount, module.ItemCount), 10, histories[start + i]);
                sum += RankingMetrics.Ndcg(RankingMetrics.RankOf(top, cases[start + i].Target), 10);
            }
        }
        return sum / cases.Count;
    }

    private static void CopyWeights(SasRecModule from, SasRecModule to)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var source = from.state_dict();
        foreach (var (name, target) in to.state_dict()) target.copy_(source[name]);
    }

    /// <summary>What a fit needs in memory: weights with gradients and Adam's two moments, one step's activations and logits, one scoring batch.</summary>
    internal static TrainingMemoryEstimate EstimateMemory(SasRecOptions o, int itemCount)
    {
        const long f32 = sizeof(float);
        long d = o.Dimension, l = o.MaxLength, b = o.BatchSize, n = itemCount;
        var parameters = (n + 1 + l) * d + o.Blocks * (4 * (d * d + d) + 2 * d * o.FeedForward + o.FeedForward + d + 4 * d) + 2 * d;
        var weights = 2 * parameters * f32 * 4; // the model and the best copy, each with gradient and two moments (an upper bound)
        var step = b * l * n * f32 * 3 + b * l * (20 * d + 3 * o.Heads * l + 2 * o.FeedForward) * f32 * o.Blocks;
        var evaluation = 256 * n * f32 * 2;
        return new TrainingMemoryEstimate(0, 0, weights, step, 0, evaluation, TrainingMemoryEstimate.RuntimeBytes);
    }
}

/// <summary>A span of one user's training sequence and how many of its last transitions are trained (the rest is context).</summary>
internal readonly record struct SasRecWindow(int[] Items, int Targets);
