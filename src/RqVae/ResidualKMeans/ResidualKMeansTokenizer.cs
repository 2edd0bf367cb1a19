using RqVae.Model;
using RqVae.Quantization;
using RqVae.SemanticIds;
using RqVae.Tokenizers;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.ResidualKMeans;

/// <summary>
/// Residual k-means as a fitted tokenizer: the code space is the input space, an ID is the sequence of
/// nearest centroids of the successive residuals, and the reconstruction is the sum of the centroids.
/// Saved in the same model-directory layout as <see cref="RqVaeTokenizer"/> (kind "residual-kmeans"),
/// with the codebooks under the same state_dict names as an RQ-VAE's quantizer
/// (<c>quantizers.0.embeddings.weight</c>, …). Immutable and thread-safe.
/// </summary>
public sealed class ResidualKMeansTokenizer : ISemanticIdTokenizer
{
    /// <summary>The kind string written to config.json.</summary>
    public const string KindName = "residual-kmeans";

    /// <summary>Rows per torch call when encoding.</summary>
    public const int DefaultBatchSize = 4096;

    // The config.json sections of this kind: its options, and the width of the features (which the options do not hold).
    private const string OptionsSection = "residualKMeans";
    private const string InputDimensionSection = "inputDimension";

    private readonly ResidualQuantizer quantizer;
    // The identity config.json recorded when the model was loaded (null for a model fitted in this process).
    private string? recordedIdentity;
    private ModelIdentity? identity;
    private bool disposed;

    internal ResidualKMeansTokenizer(ResidualQuantizer quantizer, ResidualKMeansOptions options)
    {
        this.quantizer = quantizer;
        Options = options;
        quantizer.eval();
        foreach (var p in quantizer.parameters()) p.requires_grad_(false);
    }

    /// <summary>The options it was fitted with (<see cref="ResidualKMeansOptions.BeamWidth"/> is the encoding beam).</summary>
    public ResidualKMeansOptions Options { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int BeamWidth => Options.BeamWidth;

    /// <inheritdoc />
    public int InputDimension => quantizer.Levels[0].CodeDimension;

    /// <inheritdoc />
    public int Levels => quantizer.LevelCount;

    /// <inheritdoc />
    public int CodebookSize => quantizer.Levels[0].CodebookSize;

    /// <inheritdoc />
    public int CodeDimension => InputDimension;

    /// <inheritdoc />
    public SemanticIdTable Encode(ReadOnlySpan<float> features) => Encode(features, Options.BeamWidth);

    /// <summary>The IDs of the rows of <paramref name="features"/> with a beam of <paramref name="beamWidth"/> (1: greedy).</summary>
    public SemanticIdTable Encode(ReadOnlySpan<float> features, int beamWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(beamWidth, 1);
        var codes = BatchedInference.OverRows<int>(features, InputDimension, Levels, DefaultBatchSize, x => quantizer.Encode(x, beamWidth));
        return new SemanticIdTable(codes, Levels);
    }

    /// <inheritdoc />
    public IIdEncoder CreateEncoder(EncodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.BFloat16)
            throw new ArgumentException("bfloat16 speeds up the network of an RQ-VAE; residual k-means has none.", nameof(EncodingOptions.BFloat16));
        var beam = options.BeamWidth ?? BeamWidth;
        return new BeamEncoder(this, beam, savedEncoding: beam == BeamWidth);
    }

    /// <inheritdoc />
    /// <remarks>Residual k-means quantizes the features themselves.</remarks>
    public float[] CodeSpaceVectors(ReadOnlySpan<float> features) => features.ToArray();

    /// <inheritdoc />
    public string WeightsSha256() => ModelFiles.Weights(quantizer).Sha256;

    /// <inheritdoc />
    public ModelIdentity Identity()
        => identity ??= ModelIdentity.Of(Describe(WeightsSha256(), null) with { ModelSha256 = recordedIdentity });

    /// <inheritdoc />
    public float[] Reconstruct(SemanticIdTable ids) => CodeVectors(ids);

    /// <inheritdoc />
    public float[] CodeVectors(SemanticIdTable ids)
        => BatchedInference.OverIds(ids, Levels, CodebookSize, CodeDimension, DefaultBatchSize, quantizer.Decode);

    /// <inheritdoc />
    public IReadOnlyList<float[]> Codebooks() => quantizer.Levels.Select(q => q.EffectiveCodebook().contiguous().data<float>().ToArray()).ToArray();

    /// <summary>Saves <c>model.safetensors</c> and <c>config.json</c> into <paramref name="directory"/>, each atomically, weights first.</summary>
    public void Save(string directory, IReadOnlyDictionary<string, string>? trainingFacts = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (bytes, sha256) = ModelFiles.Weights(quantizer);
        ModelFiles.Save(directory, bytes, Describe(sha256, trainingFacts));
    }

    // The config.json of this model, as Save writes it.
    private ModelConfig Describe(string weightsSha256, IReadOnlyDictionary<string, string>? trainingFacts) => new ModelConfig
    {
        Kind = Kind,
        WeightsSha256 = weightsSha256,
        Training = trainingFacts?.ToDictionary(kv => kv.Key, kv => kv.Value),
    }.WithSection(OptionsSection, Options).WithSection(InputDimensionSection, InputDimension);

    /// <summary>Loads a model saved by <see cref="Save"/>; throws <see cref="ModelFormatException"/> naming the file on bad input.</summary>
    public static ResidualKMeansTokenizer Load(string directory)
    {
        var (config, configPath) = ModelFiles.ReadConfig(directory, KindName, "residual k-means");
        return Load(directory, config, configPath);
    }

    /// <summary>Loads the model of <paramref name="config"/>, already read from <paramref name="configPath"/> in <paramref name="directory"/>.</summary>
    internal static ResidualKMeansTokenizer Load(string directory, ModelConfig config, string configPath)
    {
        var section = config.Section<ResidualKMeansOptions>(configPath, OptionsSection)
            ?? throw new ModelFormatException(configPath, $"the config has no \"{OptionsSection}\" section with the options.");
        if (config.Section<int?>(configPath, InputDimensionSection) is not { } dimension || dimension < 1)
            throw new ModelFormatException(configPath, $"the config has no positive \"{InputDimensionSection}\".");
        ResidualKMeansOptions options;
        try { options = section.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(configPath, $"the options are invalid: {e.Message}", e); }

        var bytes = ModelFiles.ReadVerifiedWeights(directory, config, out var weightsPath);
        var entries = SafetensorsHeader.Read(bytes, weightsPath);
        var quantizer = new ResidualQuantizer(Enumerable.Range(0, options.Levels).Select(_ => new VectorQuantizer(options.CodebookSize, dimension)));
        try
        {
            ModelFiles.LoadWeights(quantizer, bytes, entries, weightsPath);
            return new ResidualKMeansTokenizer(quantizer, options) { recordedIdentity = config.ModelSha256 };
        }
        catch
        {
            quantizer.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        quantizer.Dispose();
    }
}
