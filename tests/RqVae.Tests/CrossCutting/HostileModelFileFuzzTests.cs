using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace RqVae.Tests.CrossCutting;

/// <summary>
/// Hostile files for the readers the core owns: safetensors weights, the model config, model directories
/// whose config and weights disagree, and training checkpoints. Each case must load or fail with
/// <see cref="ModelFormatException"/>; nothing else, no hang, no huge allocation. The weights' SHA-256 in the
/// config is recomputed for every corrupted weights file, so the corruption reaches the parsers instead of
/// being stopped by the checksum.
/// </summary>
public sealed class HostileModelFileFuzzTests : IDisposable
{
    public const int SafetensorsCases = 600;
    public const int ConfigCases = 600;
    public const int DisagreementCases = 200;
    public const int CheckpointCases = 300;

    private static readonly RqVaeOptions Architecture = new() { InputDimension = 12, HiddenDimensions = [16], LatentDimension = 4, Quantization = new QuantizerOptions { Levels = 2, CodebookSize = 8 } };
    private readonly ITestOutputHelper log;
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-hostile-").FullName;
    private readonly string model;
    private readonly byte[] weights;
    private readonly string config;

    public HostileModelFileFuzzTests(ITestOutputHelper log)
    {
        this.log = log;
        model = Path.Combine(directory, "valid");
        manual_seed(7);
        using (var tokenizer = new RqVaeTokenizer(new RqVaeModule(Architecture))) tokenizer.Save(model);
        weights = File.ReadAllBytes(Path.Combine(model, "model.safetensors"));
        config = File.ReadAllText(Path.Combine(model, "config.json"));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A model directory with these weights and a config that names their true SHA-256.</summary>
    private string ModelDirectory(byte[] weightBytes, string? configText = null)
    {
        var dir = Path.Combine(directory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), weightBytes);
        var node = JsonNode.Parse(configText ?? config)!;
        node["weightsSha256"] = Convert.ToHexStringLower(SHA256.HashData(weightBytes));
        File.WriteAllText(Path.Combine(dir, "config.json"), node.ToJsonString());
        return dir;
    }

    private static bool Helpful(ModelFormatException e) => e.Message.Length > e.Path.Length + 20;

    [Fact]
    public void Corrupted_safetensors_weights_load_or_fail_with_ModelFormatException()
    {
        var tally = new HostileFiles.Tally();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var bytes = random.Next(2) == 0 ? HostileFiles.Corrupt(weights, random) : CorruptHeader(weights, random);
            var dir = ModelDirectory(bytes);
            tally.Add(HostileFiles.Run<ModelFormatException>($"safetensors seed {seed}", () =>
            {
                SafetensorsHeader.Read(Path.Combine(dir, "model.safetensors"));
                RqVaeTokenizer.Load(dir).Dispose();
            }, Helpful));
            Directory.Delete(dir, recursive: true);
        }, iter: SafetensorsCases, threads: 1);
        log.WriteLine($"safetensors: {tally.Total} cases ({tally})");
        Assert.Equal(SafetensorsCases, tally.Total);
        Assert.True(tally[nameof(ModelFormatException)] > SafetensorsCases / 2, tally.ToString());
    }

    /// <summary>Structural corruptions of the JSON header, re-framed with a correct length so they reach the parser.</summary>
    private static byte[] CorruptHeader(byte[] valid, Random random)
    {
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var header = JsonNode.Parse(valid.AsSpan(8, headerLength))!.AsObject();
        var data = valid[(8 + headerLength)..];
        var names = header.Select(p => p.Key).Where(k => k != "__metadata__").ToArray();
        var name = names[random.Next(names.Length)];
        var entry = header[name]!.AsObject();
        JsonNode?[] junk = [null, "x", -1, 1L << 40, long.MaxValue, 1.5, true, new JsonArray(), new JsonObject(), NestedMarker];
        string text;
        switch (random.Next(9))
        {
            case 0: entry["dtype"] = new[] { "F64", "F16", "BF16", "I64", "U8", "BOOL", "Q4", "", "f32" }[random.Next(9)]; break; // wrong dtype
            case 1: entry["shape"] = new JsonArray(Enumerable.Range(0, random.Next(0, 5)).Select(_ => (JsonNode?)random.Next(-2, 40)).ToArray()); break; // wrong shape
            case 2: entry["shape"] = new JsonArray(1L << 31, 1L << 31, 1L << 31); break; // a huge claimed size
            case 3: entry["data_offsets"] = new JsonArray(random.NextInt64(-5, 1L << 40), random.NextInt64(-5, long.MaxValue)); break;
            case 4: entry[new[] { "dtype", "shape", "data_offsets" }[random.Next(3)]] = junk[random.Next(junk.Length)]?.DeepClone(); break; // wrong types
            case 5: entry.Remove(new[] { "dtype", "shape", "data_offsets" }[random.Next(3)]); break;
            case 6: header.Remove(name); break; // a tensor missing
            case 7: header["extra." + name] = entry.DeepClone(); break; // a tensor the architecture lacks
            default: // the same name twice (JSON allows it; a dictionary does not)
                text = header.ToJsonString();
                var duplicate = $"\"{name}\":{entry.ToJsonString()},";
                return Frame(Encoding.UTF8.GetBytes(text.Insert(1, duplicate)), data);
        }
        return Frame(Encoding.UTF8.GetBytes(WithNesting(header.ToJsonString(), random)), data);
    }

    /// <summary>Stands for deeply nested JSON, spliced in as text (JsonNode itself refuses to build it).</summary>
    private const string NestedMarker = "__deeply_nested__";

    private static string WithNesting(string json, Random random) => json.Replace($"\"{NestedMarker}\"", HostileFiles.Nested(random.Next(9, 5000)));

    private static byte[] Frame(byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    [Fact]
    public void A_header_claiming_a_huge_size_is_refused_without_allocating_it()
    {
        foreach (var claimed in new ulong[] { ulong.MaxValue, 1UL << 62, 99_999_999, (ulong)weights.Length })
        {
            var bytes = weights.ToArray();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimed);
            var dir = ModelDirectory(bytes);
            var outcome = HostileFiles.Run<ModelFormatException>($"header length {claimed}", () => RqVaeTokenizer.Load(dir).Dispose(), e => e.Message.Contains("truncated or corrupt"));
            Assert.Equal(nameof(ModelFormatException), outcome);
        }
    }

    [Fact]
    public void Corrupted_or_hostile_configs_load_or_fail_with_ModelFormatException()
    {
        var tally = new HostileFiles.Tally();
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var text = random.Next(3) == 0 ? Encoding.UTF8.GetString(HostileFiles.Corrupt(Encoding.UTF8.GetBytes(config), random)) : HostileConfig(random);
            var dir = Path.Combine(directory, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), weights);
            File.WriteAllText(Path.Combine(dir, "config.json"), text);
            tally.Add(HostileFiles.Run<ModelFormatException>($"config seed {seed}", () => RqVaeTokenizer.Load(dir).Dispose(), Helpful));
            Directory.Delete(dir, recursive: true);
        }, iter: ConfigCases, threads: 1);
        log.WriteLine($"config.json: {tally.Total} cases ({tally})");
        Assert.Equal(ConfigCases, tally.Total);
    }

    /// <summary>The valid config with one member replaced by a value of the wrong type, an absurd size, deep nesting, or removed.</summary>
    private string HostileConfig(Random random)
    {
        var node = JsonNode.Parse(config)!.AsObject();
        var modelNode = node["model"]!.AsObject();
        var target = random.Next(2) == 0 ? node : modelNode;
        var keys = target.Select(p => p.Key).ToArray();
        var key = keys[random.Next(keys.Length)];
        JsonNode? value = random.Next(10) switch
        {
            0 => null,
            1 => "not a number",
            2 => -1,
            3 => int.MaxValue,
            4 => JsonNode.Parse("1e400"),
            5 => new JsonArray(Enumerable.Range(0, random.Next(1, 60_000)).Select(_ => (JsonNode?)1).ToArray()), // thousands of layers
            6 => new JsonArray(1 << 30, 1 << 30),                                                                 // layers of a billion units
            7 => NestedMarker,
            8 => new string('A', random.Next(1000, 2_000_000)),                                                   // enormous string (over the size cap half the time)
            _ => new JsonObject { ["x"] = 1 },
        };
        if (random.Next(8) == 0) target.Remove(key);
        else target[key] = value;
        if (target == node && key == "model" && random.Next(2) == 0) node["model"] = modelNode.DeepClone(); // sometimes keep the model, corrupt elsewhere
        return WithNesting(node.ToJsonString(), random);
    }

    [Fact]
    public void A_directory_whose_config_and_weights_disagree_is_refused_and_nothing_large_is_allocated()
    {
        var cases = 0;
        var architectures = Gen.Select(Gen.Int[1, 4], Gen.Int[2, 64], Gen.Int[1, 16], Gen.Int[1, 64].Array[0, 3], Gen.Bool, Gen.Int[1, 40])
            .Select((levels, codebook, latent, hidden, ema, input) => new RqVaeOptions
            {
                InputDimension = input, LatentDimension = latent, HiddenDimensions = hidden,
                Quantization = new QuantizerOptions { Levels = levels, CodebookSize = codebook, Quantizer = ema ? QuantizerKind.Ema : QuantizerKind.Standard },
            })
            .Where(o => !o.Equals(Architecture));
        architectures.Sample(options =>
        {
            var node = JsonNode.Parse(config)!;
            node["model"] = JsonSerializer.SerializeToNode(options, ModelConfig.Json);
            var dir = ModelDirectory(weights, node.ToJsonString());
            var outcome = HostileFiles.Run<ModelFormatException>($"architecture {JsonSerializer.Serialize(options)}",
                () => RqVaeTokenizer.Load(dir).Dispose(), e => e.Message.Contains("disagree") || e.Message.Contains("missing"));
            Assert.Equal(nameof(ModelFormatException), outcome);
            Interlocked.Increment(ref cases);
            Directory.Delete(dir, recursive: true);
        }, iter: DisagreementCases, threads: 1);
        log.WriteLine($"config/weights disagreement: {cases} architectures, all refused");
        Assert.Equal(DisagreementCases, cases);
    }

    [Fact]
    public void Corrupted_checkpoints_are_refused_whole()
    {
        var data = SyntheticClusters.Create(seed: 2);
        var path = Path.Combine(directory, "run.ckpt");
        using (new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 1 }) { Checkpoints = new CheckpointOptions { Path = path, EverySteps = 3 } }.Fit(data.Features, data.Dimension)) { }
        var valid = File.ReadAllBytes(path);
        var tally = new HostileFiles.Tally();
        Gen.Int.Sample(seed =>
        {
            var bytes = HostileFiles.Corrupt(valid, new Random(seed));
            var file = Path.Combine(directory, $"{Guid.NewGuid():N}.ckpt");
            File.WriteAllBytes(file, bytes);
            var outcome = HostileFiles.Run<ModelFormatException>($"checkpoint seed {seed}", () => TrainingCheckpoint.Read(file), Helpful);
            // Every corruption changes the bytes, and the checksum covers all of them: none may be accepted.
            Assert.True(outcome != "ok" || bytes.AsSpan().SequenceEqual(valid), $"checkpoint seed {seed}: a corrupted checkpoint was accepted");
            tally.Add(outcome);
            File.Delete(file);
        }, iter: CheckpointCases, threads: 1);
        log.WriteLine($"checkpoints: {tally.Total} cases ({tally})");
        Assert.Equal(CheckpointCases, tally.Total);
    }
}
