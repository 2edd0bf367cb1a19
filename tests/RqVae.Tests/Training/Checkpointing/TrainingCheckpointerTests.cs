using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.TestSupport;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using Xunit;

namespace RqVae.Tests.Training.Checkpointing;

/// <summary>In process: checkpoints hold everything a run needs to continue bit-identically, and refuse another run.</summary>
[Collection(SerialCollection.Name)]
public sealed class TrainingCheckpointerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-ckpt-").FullName;
    private string CheckpointPath => Path.Combine(directory, "run.ckpt");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static RqVaeTrainerOptions Options(QuantizerKind kind = QuantizerKind.Standard) => RqVaeTrainerTests.SmallOptions(kind) with { Epochs = 4 };

    /// <summary>Runs until <paramref name="stopAfterStep"/> (then cancels, as a crash would stop it), with checkpoints.</summary>
    private void RunAndStop(RqVaeTrainerOptions options, SyntheticClusters data, CheckpointOptions checkpoints, long stopAfterStep)
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == stopAfterStep) cts.Cancel(); });
        var trainer = new RqVaeTrainer(options) { Checkpoints = checkpoints };
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data.Features, data.Dimension, progress, cts.Token));
    }

    [Theory]
    [InlineData(QuantizerKind.Standard, 3L, 0, 11L)] // step checkpoints; stopped mid-epoch 2 (7 steps per epoch), resumes from step 9
    [InlineData(QuantizerKind.Ema, 3L, 0, 11L)]      // the EMA buffers are part of the state too
    [InlineData(QuantizerKind.Standard, 0L, 1, 12L)] // epoch checkpoints only: resumes from the end of epoch 1 (step 7)
    [InlineData(QuantizerKind.Standard, 7L, 0, 14L)] // a checkpoint written after the last step of an epoch, before its evaluation
    public void ResumedRunEndsWithTheWeightsAndIdsOfAnUninterruptedRun(QuantizerKind kind, long everySteps, int everyEpochs, long stopAfterStep)
    {
        var data = SyntheticClusters.Create(seed: 9);
        var options = Options(kind) with { EvaluateEvery = 1 };
        using var uninterrupted = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);

        var checkpoints = new CheckpointOptions { Path = CheckpointPath, EverySteps = everySteps, EveryEpochs = everyEpochs };
        RunAndStop(options, data, checkpoints, stopAfterStep);
        var saved = TrainingCheckpoint.Read(CheckpointPath);
        Assert.True(saved.Step is > 0 && saved.Step < stopAfterStep + 1, $"checkpoint at step {saved.Step}");

        var steps = new List<long>();
        using var resumed = new RqVaeTrainer(options) { Checkpoints = checkpoints with { Resume = true } }
            .Fit(data.Features, data.Dimension, new SynchronousProgress<TrainingProgress>(p => steps.Add(p.Step)));
        Assert.Equal(saved.Step + 1, steps[0]); // continued, not restarted
        Assert.Equal(uninterrupted.Tokenizer.WeightsSha256(), resumed.Tokenizer.WeightsSha256());
        Assert.Equal(uninterrupted.Tokenizer.Encode(data.Features).Codes.ToArray(), resumed.Tokenizer.Encode(data.Features).Codes.ToArray());
        Assert.Equal(uninterrupted.History.Select(h => (h.Epoch, h.Steps, h.MeanLoss)), resumed.History.Select(h => (h.Epoch, h.Steps, h.MeanLoss)));
        Assert.Equal(uninterrupted.History.Select(h => h.Evaluation!.Collisions), resumed.History.Select(h => h.Evaluation!.Collisions));
    }

    [Fact]
    public void Checkpoint_of_other_options_or_other_data_is_refused_naming_the_difference()
    {
        var data = SyntheticClusters.Create(seed: 9);
        var checkpoints = new CheckpointOptions { Path = CheckpointPath, EverySteps = 2 };
        RunAndStop(Options(), data, checkpoints, 5);

        var otherRate = new RqVaeTrainer(Options() with { LearningRate = 5e-3 }) { Checkpoints = checkpoints with { Resume = true } };
        var e = Assert.Throws<CheckpointMismatchException>(() => otherRate.Fit(data.Features, data.Dimension));
        Assert.Contains("learningRate", e.Message);
        Assert.Contains("0.01", e.Message);

        var changed = (float[])data.Features.Clone();
        changed[123] += 1f;
        var otherData = new RqVaeTrainer(Options()) { Checkpoints = checkpoints with { Resume = true } };
        e = Assert.Throws<CheckpointMismatchException>(() => otherData.Fit(changed, data.Dimension));
        Assert.Contains("SHA-256", e.Message);
        e = Assert.Throws<CheckpointMismatchException>(() => otherData.Fit(data.Features[..^data.Dimension], data.Dimension));
        Assert.Contains("399 × 16", e.Message);
    }

    [Fact]
    public async Task Readers_never_see_a_half_written_checkpoint_while_training_replaces_it_every_step()
    {
        var data = SyntheticClusters.Create(seed: 9);
        var checkpoints = new CheckpointOptions { Path = CheckpointPath, EverySteps = 1 };
        using var done = new CancellationTokenSource();
        int reads = 0, failures = 0;
        string? failure = null;
        using var firstRead = new ManualResetEventSlim();
        var reader = Task.Factory.StartNew(() =>
        {
            while (!done.IsCancellationRequested)
            {
                if (!File.Exists(CheckpointPath)) continue;
                try { TrainingCheckpoint.Read(CheckpointPath); reads++; firstRead.Set(); }
                catch (Exception e) { failures++; failure = e.Message; }
            }
        }, TaskCreationOptions.LongRunning);
        // Training pauses once, at step 2, until the reader has read a checkpoint, so reads and writes overlap
        // even on a loaded machine; from then on both run freely.
        var pause = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 2) firstRead.Wait(TimeSpan.FromSeconds(30)); });
        using (new RqVaeTrainer(Options() with { Epochs = 12 }) { Checkpoints = checkpoints }.Fit(data.Features, data.Dimension, pause)) { }
        done.Cancel();
        await reader;
        Assert.True(failures == 0, $"{failures} of {reads + failures} reads failed, e.g. {failure}");
        Assert.True(reads > 0, "no read overlapped the run");
        Assert.Empty(Directory.GetFiles(directory, "*.tmp")); // no temporary files left behind
        Assert.Equal(84, TrainingCheckpoint.Read(CheckpointPath).Step); // 12 epochs × 7 steps
    }

    [Fact]
    public void Resume_without_a_checkpoint_starts_afresh_and_an_existing_one_is_replaced_when_not_resuming()
    {
        var data = SyntheticClusters.Create(seed: 9);
        using var plain = new RqVaeTrainer(Options()).Fit(data.Features, data.Dimension);
        var checkpoints = new CheckpointOptions { Path = CheckpointPath, EveryEpochs = 1, Resume = true };
        using (var fresh = new RqVaeTrainer(Options()) { Checkpoints = checkpoints }.Fit(data.Features, data.Dimension))
            Assert.Equal(plain.Tokenizer.WeightsSha256(), fresh.Tokenizer.WeightsSha256());
        Assert.Equal(28, TrainingCheckpoint.Read(CheckpointPath).Step);
        // Not resuming: a checkpoint of another run is overwritten, not continued.
        using (new RqVaeTrainer(Options() with { Epochs = 1, LearningRate = 2e-2 }) { Checkpoints = checkpoints with { Resume = false } }.Fit(data.Features, data.Dimension)) { }
        Assert.Equal(7, TrainingCheckpoint.Read(CheckpointPath).Step);
    }
}
