using System.Text.Json;
using System.Text.Json.Nodes;
using RqVae.Model;
using RqVae.Quantization;
using Xunit;

namespace RqVae.Tests.Model;

/// <summary>The "model" section of config.json is a file format: the nested options map to it and back, flat and unchanged.</summary>
public sealed class ModelSectionTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PreRestructureModels");

    [Theory]
    [InlineData("rqvae")]
    [InlineData("rqvae-ema-cosine")]
    public void A_section_saved_before_reads_and_writes_back_key_for_key(string name)
    {
        var configPath = Path.Combine(Root, name, "config.json");
        var saved = JsonNode.Parse(File.ReadAllText(configPath))!["model"]!;
        var config = ModelConfig.Read(configPath);
        var options = config.Section<RqVaeModelSection>(configPath, "model")!.ToOptions().Validate();
        var written = JsonSerializer.SerializeToNode(RqVaeModelSection.From(options), ModelConfig.Json)!;
        Assert.Equal(saved.ToJsonString(), written.ToJsonString());
    }

    [Fact]
    public void Every_architecture_setting_lands_under_its_old_flat_name()
    {
        var options = new RqVaeOptions
        {
            InputDimension = 12,
            HiddenDimensions = [32, 16],
            LatentDimension = 8,
            CommitmentWeight = 0.5,
            Quantization = new QuantizerOptions
            {
                Levels = 4, CodebookSize = 64, Quantizer = QuantizerKind.Ema, EmaDecay = 0.95, EmaEpsilon = 1e-4, CosineCodebooks = true,
                GradientEstimator = GradientEstimator.RotationTrick, BalancedAssignment = true, SinkhornLevels = [1, 3], SinkhornEpsilon = 0.01,
                SinkhornIterations = 7, KMeansInit = false, KMeansSampleSize = 5, KMeansIterations = 6, DeadCodeReset = false, DeadCodeThreshold = 0.2, CodeUsageDecay = 0.5,
            },
        };
        var written = JsonSerializer.SerializeToNode(RqVaeModelSection.From(options), ModelConfig.Json)!.ToJsonString();
        Assert.Equal(
            """{"inputDimension":12,"hiddenDimensions":[32,16],"latentDimension":8,"levels":4,"codebookSize":64,"commitmentWeight":0.5,"quantizer":"Ema","emaDecay":0.95,"emaEpsilon":0.0001,"cosineCodebooks":true,"gradientEstimator":"RotationTrick","balancedAssignment":true,"sinkhornLevels":[1,3],"sinkhornEpsilon":0.01,"sinkhornIterations":7,"beamWidth":1}""",
            written);
        // Back again: the architecture as it was, the training-only settings at their defaults.
        var read = JsonSerializer.Deserialize<RqVaeModelSection>(written, ModelConfig.Json)!.ToOptions();
        var defaults = new QuantizerOptions();
        Assert.Equal(options with
        {
            Quantization = options.Quantization with
            {
                KMeansInit = defaults.KMeansInit,
                KMeansSampleSize = defaults.KMeansSampleSize,
                KMeansIterations = defaults.KMeansIterations,
                DeadCodeReset = defaults.DeadCodeReset,
                DeadCodeThreshold = defaults.DeadCodeThreshold,
                CodeUsageDecay = defaults.CodeUsageDecay,
            },
        }, read);
    }

    [Fact]
    public void A_member_missing_from_an_older_section_reads_as_its_default()
    {
        var read = JsonSerializer.Deserialize<RqVaeModelSection>("""{"inputDimension":5}""", ModelConfig.Json)!.ToOptions();
        Assert.Equal(new RqVaeOptions { InputDimension = 5 }, read);
    }
}
