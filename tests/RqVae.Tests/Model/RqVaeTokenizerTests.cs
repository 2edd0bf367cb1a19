using System.Text.Json;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Model;

public sealed class RqVaeTokenizerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-persist-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static (RqVaeTrainingResult Result, SyntheticClusters Data) Train(QuantizerKind kind = QuantizerKind.Standard)
    {
        var data = SyntheticClusters.Create(seed: 3);
        return (new RqVaeTrainer(RqVaeTrainerTests.SmallOptions(kind) with { Epochs = 3 }).Fit(data.Features, data.Dimension), data);
    }

    [Theory]
    [InlineData(QuantizerKind.Standard)]
    [InlineData(QuantizerKind.Ema)]
    public void Reloaded_model_gives_bit_identical_ids_and_reconstructions(QuantizerKind kind)
    {
        var (result, data) = Train(kind);
        using var _ = result;
        result.Tokenizer.Save(directory);
        using var loaded = RqVaeTokenizer.Load(directory);
        var before = result.Tokenizer.Encode(data.Features);
        var after = loaded.Encode(data.Features);
        Assert.Equal(before.Codes.ToArray(), after.Codes.ToArray());
        Assert.Equal(result.Tokenizer.Reconstruct(before), loaded.Reconstruct(after));
        // The architecture comes back; the quantizer's training-only settings are not saved (SmallOptions turns
        // dead-code reset off) and read as their defaults.
        var trained = result.Tokenizer.Options;
        Assert.False(trained.Quantization.DeadCodeReset);
        Assert.Equal(trained with { Quantization = trained.Quantization with { DeadCodeReset = true } }, loaded.Options);
    }

    [Fact]
    public void Weights_carry_PyTorch_state_dict_names_and_config_is_readable_JSON()
    {
        var (result, _) = Train(QuantizerKind.Ema);
        using var r = result;
        result.Tokenizer.Save(directory);
        var names = SafetensorsHeader.Read(Path.Combine(directory, "model.safetensors")).Select(e => e.Name).ToHashSet();
        string[] expected =
        [
            "encoder.layers.0.weight", "encoder.layers.0.bias", "encoder.layers.2.weight", "encoder.layers.2.bias",
            "decoder.layers.0.weight", "decoder.layers.2.bias",
            "quantizer.quantizers.0.embeddings.weight", "quantizer.quantizers.1.embeddings.weight",
            "quantizer.quantizers.0.cluster_size", "quantizer.quantizers.1.embed_avg",
        ];
        Assert.All(expected, name => Assert.Contains(name, names));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json")));
        Assert.Equal("rqvae-model", config.RootElement.GetProperty("format").GetString());
        Assert.Equal(16, config.RootElement.GetProperty("model").GetProperty("inputDimension").GetInt32());
        Assert.Equal("Ema", config.RootElement.GetProperty("model").GetProperty("quantizer").GetString());
    }

    [Fact]
    public void Directory_that_is_not_a_model_is_refused_clearly()
    {
        var e = Assert.Throws<ModelFormatException>(() => RqVaeTokenizer.Load(directory));
        Assert.Contains("config.json", e.Message);
        Assert.Contains("not a model directory", e.Message);
        File.WriteAllText(Path.Combine(directory, "config.json"), "{ this is not json");
        e = Assert.Throws<ModelFormatException>(() => RqVaeTokenizer.Load(directory));
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Changed_weights_are_refused()
    {
        var (result, _) = Train();
        using var r = result;
        result.Tokenizer.Save(directory);
        var path = Path.Combine(directory, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelFormatException>(() => RqVaeTokenizer.Load(directory));
        Assert.Contains("SHA-256", e.Message);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Config_that_does_not_fit_the_weights_is_refused()
    {
        var (result, _) = Train();
        using var r = result;
        result.Tokenizer.Save(directory);
        var configPath = Path.Combine(directory, "config.json");
        var config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllText(configPath), ModelConfig.Json)!;
        var architecture = config.Section<RqVaeModelSection>(configPath, "model")!;
        config.WithSection("model", architecture with { CodebookSize = architecture.CodebookSize * 2 }).Write(configPath);
        var e = Assert.Throws<ModelFormatException>(() => RqVaeTokenizer.Load(directory));
        Assert.Contains("disagree", e.Message);
        Assert.Contains("quantizer.quantizers.0.embeddings.weight", e.Message);
    }
}
