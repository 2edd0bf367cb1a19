using System.Diagnostics;
using RqVae.Training;
using RqVae.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>The optimisation settings both TIGER networks train with (each options record supplies its own values).</summary>
internal sealed record TigerLoopSettings(int Epochs, int BatchSize, double LearningRate, double WeightDecay, int WarmupSteps, double ClipNorm, int Patience);

/// <summary>
/// The epochs of a TIGER network, whichever its shape: AdamW under warm-up and cosine decay, a seeded example order per
/// epoch, divergence and gradient-norm checks, validation NDCG@10 after every epoch with early stopping on it, a
/// checkpoint after every epoch and resume from one, and the best epoch's weights restored at the end. The networks
/// differ only in what an example is and how a batch's loss is computed.
/// </summary>
internal static class TigerTrainingLoop
{
    /// <summary>Trains <paramref name="module"/> on <paramref name="examples"/>; returns the best epoch (0 if none ran) and its validation NDCG@10.</summary>
    /// <param name="module">The network; its parameters are trained and its best epoch's weights are left in it.</param>
    /// <param name="examples">The training examples, shuffled per epoch and cut into batches.</param>
    /// <param name="loop">The optimisation settings.</param>
    /// <param name="seed">Seeds the example order.</param>
    /// <param name="optionsJson">The options as JSON, which a checkpoint must match to be resumed.</param>
    /// <param name="dataSha256">A hash of the data, which a checkpoint must match to be resumed.</param>
    /// <param name="generator">The run's generator (dropout), saved in and restored from checkpoints.</param>
    /// <param name="settings">Where checkpoints go and whether to resume.</param>
    /// <param name="clock">The run's clock, for progress and the checkpoint's elapsed time.</param>
    /// <param name="loss">A batch's mean loss (a scalar in the caller's dispose scope).</param>
    /// <param name="validationNdcg10">The module's validation NDCG@10 (called in eval mode).</param>
    /// <param name="progress">Receives each epoch's loss and validation score.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    public static (int BestEpoch, double BestNdcg) Run<TExample>(nn.Module module, TExample[] examples, TigerLoopSettings loop, long seed, string optionsJson, string dataSha256,
        Generator generator, RecommenderFitSettings settings, Stopwatch clock, Func<TExample[], Tensor> loss, Func<double> validationNdcg10,
        IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var parameters = module.parameters().ToArray();
        using var optimizer = new ScalarSafeAdamW(parameters, loop.LearningRate, loop.WeightDecay);
        var stepsPerEpoch = (examples.Length + loop.BatchSize - 1) / loop.BatchSize;
        var schedule = new WarmupCosineSchedule(loop.WarmupSteps, (long)stepsPerEpoch * loop.Epochs);
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
            if (state.DataSha256 != dataSha256)
                throw new RecommenderInputException($"{checkpointPath}: the checkpoint was made on other data (training sequences, validation, IDs or seed differ); resume with the same data, or start afresh without resume.");
            best = TigerCheckpoint.Restore(sections, module, optimizer, generator);
            (epoch, step, bestNdcg, bestEpoch, elapsedBefore) = (state.NextEpoch, state.Step, state.BestNdcg, state.BestEpoch, TimeSpan.FromSeconds(state.ElapsedSeconds));
        }

        try
        {
            for (; epoch <= loop.Epochs && (bestEpoch == 0 || epoch - bestEpoch <= loop.Patience); epoch++)
            {
                module.train();
                var order = Permutation(examples.Length, seed, epoch);
                double lossSum = 0;
                for (var start = 0; start < examples.Length; start += loop.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var count = Math.Min(loop.BatchSize, examples.Length - start);
                    var batch = new TExample[count];
                    for (var i = 0; i < count; i++) batch[i] = examples[order[start + i]];
                    step++;
                    var rate = loop.LearningRate * schedule.Factor(step);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
                    var batchLoss = loss(batch);
                    var value = batchLoss.item<float>();
                    if (!float.IsFinite(value)) throw new TrainingDivergedException(step, "TIGER loss", value);
                    optimizer.zero_grad();
                    batchLoss.backward();
                    var norm = nn.utils.clip_grad_norm_(parameters, loop.ClipNorm);
                    if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm);
                    optimizer.step();
                    lossSum += value * count;
                }
                module.eval();
                var ndcg = validationNdcg10();
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
                        DataSha256 = dataSha256,
                        NextEpoch = epoch + 1,
                        Step = step,
                        BestNdcg = bestNdcg,
                        BestEpoch = bestEpoch,
                        ElapsedSeconds = (elapsedBefore + clock.Elapsed).TotalSeconds,
                    };
                    TigerCheckpoint.Write(checkpointPath, state, module, best, optimizer, generator);
                }
                progress?.Report(new RecommenderTrainingProgress(epoch, loop.Epochs, lossSum / examples.Length, ndcg, bestEpoch, elapsedBefore + clock.Elapsed));
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

    /// <summary>The epoch's order of the examples: a seeded Fisher–Yates shuffle, the same for the same seed and epoch.</summary>
    internal static int[] Permutation(int count, long seed, int epoch)
    {
        var random = new Random(StableSeed.Of(seed, epoch, 0x71637));
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
