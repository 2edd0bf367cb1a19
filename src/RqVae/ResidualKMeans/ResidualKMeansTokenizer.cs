using RqVae.Tokenizers;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.SemanticIds;
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
    public const string Kind = "residual-kmeans";

    /// <summary>Rows per torch call when encoding.</summary>
    public const int DefaultBatchSize = 4096;

    private readonly ResidualQuantizer quantizer;
    private bool disposed;

    internal ResidualKMeansTokenizer(ResidualQuantizer quantizer, ResidualKMeansOptions options)
    {
        this.quantizer = quantizer;
        Options = options;
        quantizer.eval();
        foreach (var p in quantizer.parameters()) p.requires_grad_(false);
        quantizer.BeamWidth = options.BeamWidth;
    }

    /// <summary>The options it was fitted with (<see cref="ResidualKMeansOptions.BeamWidth"/> is the encoding beam).</summary>
    public ResidualKMeansOptions Options { get; }

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
        ModelFiles.Save(directory, bytes, new ModelConfig
        {
            Kind = Kind,
            ResidualKMeans = Options,
            InputDimension = InputDimension,
            WeightsSha256 = sha256,
            Training = trainingFacts?.ToDictionary(kv => kv.Key, kv => kv.Value),
        });
    }

    /// <summary>Loads a model saved by <see cref="Save"/>; throws <see cref="ModelFormatException"/> naming the file on bad input.</summary>
    public static ResidualKMeansTokenizer Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new ModelFormatException(directory, "no such directory. Pass the folder the residual k-means model was saved to.");
        var configPath = Path.Combine(directory, ModelFiles.ConfigFileName);
        var config = ModelConfig.Read(configPath);
        if (config.Kind != Kind) throw new ModelFormatException(configPath, $"this is a \"{config.Kind}\" model, not residual k-means; load it with the matching tokenizer.");
        if (config.ResidualKMeans is null) throw new ModelFormatException(configPath, "the config has no \"residualKMeans\" section with the options.");
        if (config.InputDimension is not > 0) throw new ModelFormatException(configPath, "the config has no positive \"inputDimension\".");
        ResidualKMeansOptions options;
        try { options = config.ResidualKMeans.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(configPath, $"the options are invalid: {e.Message}", e); }

        var bytes = ModelFiles.ReadVerifiedWeights(directory, config, out var weightsPath);
        var entries = SafetensorsHeader.Read(weightsPath).ToDictionary(e => e.Name);
        var dimension = config.InputDimension.Value;
        var quantizer = new ResidualQuantizer(Enumerable.Range(0, options.Levels).Select(_ => new VectorQuantizer(options.CodebookSize, dimension)));
        try
        {
            foreach (var (name, tensor) in quantizer.state_dict())
            {
                if (!entries.TryGetValue(name, out var entry) || entry.DType != "F32" || !entry.Shape.SequenceEqual(tensor.shape))
                    throw new ModelFormatException(weightsPath, $"tensor \"{name}\" (F32 [{string.Join(", ", tensor.shape)}]) required by config.json is missing or has another type or shape (the file holds {string.Join(", ", entries.Keys)}); config and weights disagree.");
            }
            if (entries.Count != quantizer.state_dict().Count)
                throw new ModelFormatException(weightsPath, "the weights hold tensors that are not part of the model in config.json; config and weights disagree.");
            using var stream = new MemoryStream(bytes, writable: false);
            quantizer.load_safetensors(stream, strict: true);
            return new ResidualKMeansTokenizer(quantizer, options);
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
