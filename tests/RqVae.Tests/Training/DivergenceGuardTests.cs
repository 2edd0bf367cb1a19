using RqVae.Model;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Tests.Training.Checkpointing;
using RqVae.TestSupport;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Training;

/// <summary>A NaN or infinity stops training at once, names step and term, keeps the last good checkpoint, never writes NaN weights.</summary>
public sealed class DivergenceGuardTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-diverge-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void An_exploding_run_stops_at_the_first_non_finite_step_naming_it_and_keeps_the_last_good_checkpoint()
    {
        // Adam's first update moves every weight by about the learning rate, so after step 1 the weights are
        // ±1e30 (still finite: the step-1 checkpoint is good) and step 2's forward pass overflows float32.
        var data = SyntheticClusters.Create(seed: 4);
        var options = RqVaeTrainerTests.WithQuantizer(RqVaeTrainerTests.SmallOptions(), q => q with { KMeansInit = false }) with { Optimizer = OptimizerKind.Adam, LearningRate = 1e30, Schedule = ScheduleKind.Constant, WeightDecay = 0 };
        var path = Path.Combine(directory, "run.ckpt");
        var steps = new List<long>();
        var trainer = new RqVaeTrainer(options) { Checkpoints = new CheckpointOptions { Path = path, EverySteps = 1 } };
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data.Features, data.Dimension, new SynchronousProgress<TrainingProgress>(p => steps.Add(p.Step))));

        Assert.Equal(2, e.Step);
        Assert.Equal([1L], steps); // stopped at once: step 2 was never reported, no step after it ran
        Assert.EndsWith("loss", e.Term);
        Assert.False(double.IsFinite(e.Value));
        Assert.Contains("step 2", e.Message);
        Assert.Contains(e.Term, e.Message);
        Assert.Equal(path, e.LastCheckpoint);
        Assert.Contains(path, e.Message);

        var kept = TrainingCheckpoint.Read(path);
        Assert.Equal(1, kept.Step);
        using var module = new RqVaeModule(options.Model with { InputDimension = data.Dimension });
        using (var weights = new MemoryStream(kept.ModuleBytes)) TorchSharp.PyBridge.PyBridgeModuleExtensions.load_safetensors(module, weights);
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict())
            Assert.True(isfinite(tensor).all().item<bool>(), $"checkpoint weight {name} is not finite");
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void A_module_with_a_NaN_weight_is_never_written_as_a_checkpoint()
    {
        var data = SyntheticClusters.Create(seed: 4);
        var options = RqVaeTrainerTests.SmallOptions();
        var path = Path.Combine(directory, "nan.ckpt");
        var trainer = new RqVaeTrainer(options with { Epochs = 2 })
        {
            // Poison a weight after epoch 1, as a silent overflow inside an optimizer step would.
            EpochCompleted = (_, module) => { using (no_grad()) module.Decoder.parameters().First()[0, 0] = float.NaN; },
            Checkpoints = new CheckpointOptions { Path = path, EveryEpochs = 1 },
        };
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(data.Features, data.Dimension));
        Assert.StartsWith("weight decoder.", e.Term);
        Assert.Equal(7, e.Step); // the end of epoch 1, 400 items / 64
        Assert.False(File.Exists(path)); // nothing was written
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public void Non_finite_features_are_refused_before_training_naming_row_and_column()
    {
        var data = SyntheticClusters.Create(seed: 4);
        var features = (float[])data.Features.Clone();
        features[5 * data.Dimension + 3] = float.PositiveInfinity;
        var e = Assert.Throws<ArgumentException>(() => new RqVaeTrainer(RqVaeTrainerTests.SmallOptions()).Fit(features, data.Dimension));
        Assert.Contains("row 5, column 3", e.Message);
        Assert.Matches("Infinity|∞", e.Message);
    }

    [Fact]
    public async Task The_training_process_exits_non_zero_naming_step_and_term_when_training_diverges()
    {
        var output = Path.Combine(directory, "host");
        var (code, stdout, error) = await TrainingHostProcess.RunAsync(TimeSpan.FromSeconds(60), "train", "--out", output, "--learning-rate", "1e30");
        Assert.Equal(3, code);
        Assert.Matches(@"Training diverged at step \d+: the (reconstruction|commitment|codebook|total) loss is", error);
        Assert.DoesNotContain("done", stdout);
        Assert.False(Directory.Exists(Path.Combine(output, "model")));
    }
}
