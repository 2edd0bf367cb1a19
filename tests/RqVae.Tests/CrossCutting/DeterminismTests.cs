using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.CrossCutting;

/// <summary>Same data, seed and thread count give the same IDs; save/load never moves an ID.</summary>
public sealed class DeterminismTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-determinism-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(QuantizerKind.Standard)]
    [InlineData(QuantizerKind.Ema)]
    public void Ids_do_not_drift_through_repeated_save_and_load(QuantizerKind kind)
    {
        var data = SyntheticClusters.Create(seed: 12);
        using var trained = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions(kind) with { Epochs = 3 }).Fit(data.Features, data.Dimension);
        var ids = trained.Tokenizer.Encode(data.Features).Codes.ToArray();
        var hash = trained.Tokenizer.WeightsSha256();
        trained.Tokenizer.Save(Path.Combine(directory, "0"));
        var previousWeights = File.ReadAllBytes(Path.Combine(directory, "0", "model.safetensors"));
        for (var generation = 1; generation <= 3; generation++)
        {
            using var loaded = RqVaeTokenizer.Load(Path.Combine(directory, (generation - 1).ToString()));
            Assert.Equal(ids, loaded.Encode(data.Features).Codes.ToArray());
            Assert.Equal(hash, loaded.WeightsSha256());
            loaded.Save(Path.Combine(directory, generation.ToString()));
            var weights = File.ReadAllBytes(Path.Combine(directory, generation.ToString(), "model.safetensors"));
            Assert.Equal(previousWeights, weights); // a loaded-and-saved model is byte-identical
            previousWeights = weights;
        }
    }

    [Fact]
    public async Task Training_with_one_and_with_two_torch_threads_gives_the_same_weights_and_ids()
    {
        // Measured, not assumed: on this CPU torch's CPU kernels split work across threads without changing the
        // order of any floating-point sum, so the thread count does not change a single bit (RELIABILITY.md).
        // Separate processes, because torch's thread count is process-wide.
        var one = TrainingHostProcess.RunAsync(TimeSpan.FromSeconds(90), "train", "--out", Path.Combine(directory, "t1"), "--threads", "1", "--epochs", "4");
        var two = TrainingHostProcess.RunAsync(TimeSpan.FromSeconds(90), "train", "--out", Path.Combine(directory, "t2"), "--threads", "2", "--epochs", "4");
        var results = await Task.WhenAll(one, two);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.Equal(File.ReadAllBytes(Path.Combine(directory, "t1", "model", "model.safetensors")), File.ReadAllBytes(Path.Combine(directory, "t2", "model", "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(directory, "t1", "ids.txt")), File.ReadAllText(Path.Combine(directory, "t2", "ids.txt")));
    }
}
