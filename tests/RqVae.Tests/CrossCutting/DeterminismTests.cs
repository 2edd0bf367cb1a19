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

    // The reference run (TIGER shapes, two epochs) in the portable mode, measured on an Intel Xeon with AVX-512 under
    // MKL_CBWR=AVX2,STRICT: SHA-256 of model.safetensors / of ids.txt, first 12 hex digits (RELIABILITY.md).
    private const string IntelAvx2Strict = "ba3a5a09a733 / ff97404934d6";

    [Fact]
    public async Task Training_with_one_and_with_two_torch_threads_gives_the_same_weights_and_ids()
    {
        // MKL's strict reproducible mode (the fast default) fixes the order of every sum whatever the thread count;
        // without it an Intel CPU gave other weights at 2 threads than at 1. Separate processes: the thread count is
        // process-wide. Only the thread count is compared: the fast mode's AVX-512 weights have matched between an AMD
        // EPYC and an Intel Xeon, but another AVX-512 machine gave others, so only the portable mode promises a machine's.
        var results = await Task.WhenAll(Reference("t1", "1"), Reference("t2", "2"));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.True(Hashes("t1") == Hashes("t2"), $"T = 1 gave {Hashes("t1")}, T = 2 gave {Hashes("t2")} on {CpuModel()}");
    }

    [Fact]
    public async Task The_portable_mode_gives_the_weights_and_ids_of_an_AVX2_only_machine_and_of_an_Intel_Xeon()
    {
        // An AVX2-only CPU, simulated by MKL's own cap on the instruction sets it uses (per process, hence children).
        var avx2Only = new Dictionary<string, string?> { ["MKL_ENABLE_INSTRUCTIONS"] = "AVX2" };
        var results = await Task.WhenAll(
            Reference("portable", "2", "--numerics", "portable"),
            Reference("portable-avx2-only", "1", avx2Only, "--numerics", "portable"));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Error));
        Assert.Equal(Hashes("portable-avx2-only"), Hashes("portable"));
        Assert.True(IntelAvx2Strict == Hashes("portable"), $"the portable mode gave {Hashes("portable")} on {CpuModel()}, an Intel Xeon {IntelAvx2Strict}");
    }

    private Task<(int ExitCode, string Output, string Error)> Reference(string name, string threads, params string[] extra)
        => Reference(name, threads, null, extra);

    private Task<(int ExitCode, string Output, string Error)> Reference(string name, string threads, IReadOnlyDictionary<string, string?>? environment, params string[] extra)
        => TrainingHostProcess.RunAsync(TimeSpan.FromMinutes(10), environment,
            ["train", "--out", Path.Combine(directory, name), "--tiger", "--epochs", "2", "--threads", threads, .. extra]);

    private static string CpuModel()
    {
        var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? "an unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private string Hashes(string name)
    {
        static string Sha(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))[..12];
        return $"{Sha(Path.Combine(directory, name, "model", "model.safetensors"))} / {Sha(Path.Combine(directory, name, "ids.txt"))}";
    }
}
