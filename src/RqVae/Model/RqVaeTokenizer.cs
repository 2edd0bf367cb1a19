using RqVae.Inference;
using RqVae.SemanticIds;
using RqVae.Tokenizers;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Model;

/// <summary>
/// A trained RQ-VAE used for inference: features → semantic IDs, IDs → reconstructions and code
/// vectors, save and load. It is never trained further (the trainer makes a new one), runs in eval
/// mode without autograd, and is safe to use from several threads at once.
/// </summary>
public sealed class RqVaeTokenizer : ISemanticIdTokenizer
{
    /// <summary>Rows per torch call when encoding (see <see cref="EncodingOptions.DefaultBatchSize"/>).</summary>
    public const int DefaultBatchSize = EncodingOptions.DefaultBatchSize;

    /// <summary>The kind string written to config.json.</summary>
    public const string KindName = "rqvae";

    /// <summary>The config.json section that holds the architecture.</summary>
    internal const string ConfigSection = "model";

    private readonly RqVaeModule module;
    private readonly bool ownsModule;
    // The identity config.json recorded when the model was loaded (null for a model trained in this process).
    private string? recordedIdentity;
    private ModelIdentity? identity;
    private bool disposed;

    /// <summary>Takes ownership of a module (trained elsewhere), puts it in eval mode and freezes its parameters.</summary>
    public RqVaeTokenizer(RqVaeModule module) : this(module, ownsModule: true)
    {
        module.eval();
        foreach (var p in module.parameters()) p.requires_grad_(false);
    }

    private RqVaeTokenizer(RqVaeModule module, bool ownsModule)
    {
        this.module = module ?? throw new ArgumentNullException(nameof(module));
        this.ownsModule = ownsModule;
    }

    /// <summary>
    /// A tokenizer over a module that is still being trained, for metrics between epochs: it neither
    /// freezes nor disposes the module. Every method runs without autograd and leaves EMA statistics alone.
    /// </summary>
    internal static RqVaeTokenizer ViewOf(RqVaeModule module) => new(module, ownsModule: false);

    /// <summary>The architecture.</summary>
    public RqVaeOptions Options => module.Options;

    /// <summary>The underlying network (read it, do not train it).</summary>
    public RqVaeModule Module => module;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public int BeamWidth => Options.BeamWidth;

    /// <inheritdoc />
    public int InputDimension => Options.InputDimension;

    /// <inheritdoc />
    public int Levels => Options.Quantization.Levels;

    /// <inheritdoc />
    public int CodebookSize => Options.Quantization.CodebookSize;

    /// <inheritdoc />
    public int CodeDimension => Options.LatentDimension;

    /// <inheritdoc />
    public SemanticIdTable Encode(ReadOnlySpan<float> features) => Encode(features, Options.BeamWidth);

    /// <summary>
    /// The IDs of the rows of <paramref name="features"/> with a beam of <paramref name="beamWidth"/> partial codes
    /// (1: greedy), whatever <see cref="RqVaeOptions.BeamWidth"/> the model was saved with.
    /// </summary>
    /// <exception cref="ArgumentException">A beam wider than 1 on a model with balanced (Sinkhorn) levels: a beam ranks codes by error alone and would undo the balancing.</exception>
    public SemanticIdTable Encode(ReadOnlySpan<float> features, int beamWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(beamWidth, 1);
        if (beamWidth > 1 && Options.Quantization.BalancedAssignment)
            throw new ArgumentException($"A beam of {beamWidth} cannot be used with this model: it assigns codes by balanced (Sinkhorn) assignment, which a beam would undo. Use a beam of 1.", nameof(beamWidth));
        var codes = BatchedInference.OverRows<int>(features, InputDimension, Levels, DefaultBatchSize, x => module.Quantizer.Encode(module.Encode(x), beamWidth));
        return new SemanticIdTable(codes, Levels);
    }

    /// <summary>The latents z = encoder(x) of the rows of <paramref name="features"/>, row-major.</summary>
    public float[] Latents(ReadOnlySpan<float> features)
        => BatchedInference.OverRows<float>(features, InputDimension, CodeDimension, DefaultBatchSize, module.Encode);

    /// <inheritdoc />
    /// <remarks>An RQ-VAE quantizes its latents.</remarks>
    public float[] CodeSpaceVectors(ReadOnlySpan<float> features) => Latents(features);

    /// <inheritdoc />
    /// <remarks>Greedy encoding runs on <see cref="FastEncoder"/>, whose IDs are bit-identical to <see cref="Encode(ReadOnlySpan{float}, int)"/>'s.</remarks>
    public IIdEncoder CreateEncoder(EncodingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var beam = options.BeamWidth ?? BeamWidth;
        if (beam > 1 && Options.Quantization.BalancedAssignment)
            throw new ArgumentException($"A beam of {beam} cannot be used with this model: it assigns codes by balanced (Sinkhorn) assignment, which a beam would undo. Use a beam of 1.", nameof(EncodingOptions.BeamWidth));
        if (options.BFloat16 && beam > 1)
            throw new ArgumentException($"bfloat16 applies to greedy encoding; this model encodes with a beam of {beam}: use a beam of 1.", nameof(EncodingOptions.BFloat16));
        if (beam > 1) return new BeamEncoder(this, beam, savedEncoding: beam == BeamWidth);
        var fast = new FastEncoder(this, new FastEncoderOptions { BFloat16 = options.BFloat16, BatchSize = options.BatchSize });
        return new FastIdEncoder(fast, savedEncoding: BeamWidth == 1 && !options.BFloat16);
    }

    /// <inheritdoc />
    public float[] Reconstruct(SemanticIdTable ids)
        => BatchedInference.OverIds(ids, Levels, CodebookSize, InputDimension, DefaultBatchSize, codes => module.Decode(module.Quantizer.Decode(codes)));

    /// <inheritdoc />
    public float[] CodeVectors(SemanticIdTable ids)
        => BatchedInference.OverIds(ids, Levels, CodebookSize, CodeDimension, DefaultBatchSize, module.Quantizer.Decode);

    /// <inheritdoc />
    public IReadOnlyList<float[]> Codebooks()
        => module.Quantizer.Levels.Select(q => q.EffectiveCodebook().contiguous().data<float>().ToArray()).ToArray();

    /// <inheritdoc />
    public string WeightsSha256() => ModelFiles.Weights(module).Sha256;

    /// <inheritdoc />
    /// <remarks>Computed once for a frozen model; every time for a view of a module in training, whose weights move.</remarks>
    public ModelIdentity Identity()
    {
        if (identity is not null) return identity;
        var computed = ModelIdentity.Of(Describe(ModelFiles.DefaultWeightsFile, WeightsSha256(), null) with { ModelSha256 = recordedIdentity });
        if (ownsModule) identity = computed;
        return computed;
    }

    /// <summary>
    /// Saves the model into <paramref name="directory"/> as <c>model.safetensors</c> (state_dict names as
    /// PyTorch writes them) and <c>config.json</c>; each file is written atomically, weights first, so the
    /// config never names weights that are not there.
    /// </summary>
    public void Save(string directory, IReadOnlyDictionary<string, string>? trainingFacts = null)
        => Save(directory, ModelFiles.DefaultWeightsFile, trainingFacts);

    /// <summary>Saves under another weights file name (the epoch checkpoints of a run in progress); returns the weights' SHA-256.</summary>
    internal string Save(string directory, string weightsFile, IReadOnlyDictionary<string, string>? trainingFacts)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (bytes, sha256) = ModelFiles.Weights(module);
        ModelFiles.Save(directory, bytes, Describe(weightsFile, sha256, trainingFacts));
        return sha256;
    }

    // The config.json of this model, as Save writes it.
    private ModelConfig Describe(string weightsFile, string weightsSha256, IReadOnlyDictionary<string, string>? trainingFacts) => new ModelConfig
    {
        Kind = Kind,
        WeightsFile = weightsFile,
        WeightsSha256 = weightsSha256,
        Training = trainingFacts?.ToDictionary(kv => kv.Key, kv => kv.Value),
    }.WithSection(ConfigSection, RqVaeModelSection.From(Options));

    /// <summary>
    /// Loads a model saved by <see cref="Save(string, IReadOnlyDictionary{string, string})"/>. Throws <see cref="ModelFormatException"/> naming the
    /// file when the directory is not a model, the weights are corrupt, or config and weights disagree.
    /// </summary>
    public static RqVaeTokenizer Load(string directory)
    {
        var (config, configPath) = ModelFiles.ReadConfig(directory, KindName, "an RQ-VAE");
        return Load(directory, config, configPath);
    }

    /// <summary>Loads the model of <paramref name="config"/>, already read from <paramref name="configPath"/> in <paramref name="directory"/>.</summary>
    internal static RqVaeTokenizer Load(string directory, ModelConfig config, string configPath)
    {
        var section = config.Section<RqVaeModelSection>(configPath, ConfigSection)?.ToOptions()
            ?? throw new ModelFormatException(configPath, $"the config has no \"{ConfigSection}\" section with the architecture.");
        RqVaeOptions options;
        try { options = section.Validate(); }
        catch (ArgumentException e) { throw new ModelFormatException(configPath, $"the architecture is invalid: {e.Message}", e); }

        var bytes = ModelFiles.ReadVerifiedWeights(directory, config, out var weightsPath);
        var entries = SafetensorsHeader.Read(bytes, weightsPath);
        // Building the module allocates every weight the config describes: refuse a config that describes far
        // more than the file holds before it can become a giant allocation (a near miss is left to ModelFiles.LoadWeights,
        // whose message names the tensor that differs).
        var needed = ParameterCounts.Of(options);
        var held = entries.Sum(e => e.End - e.Begin);
        if (ParameterCounts.TensorCount(options) > entries.Count)
            throw new ModelFormatException(weightsPath, $"the architecture in config.json has {ParameterCounts.TensorCount(options):N0} tensors but the weights file holds {entries.Count}; config and weights disagree.");
        if (needed > 2 * (held / sizeof(float)) + (1 << 18))
            throw new ModelFormatException(weightsPath, $"the architecture in config.json needs at least {needed:N0} float32 values but the weights file holds {held:N0} bytes; config and weights disagree.");

        var module = new RqVaeModule(options);
        try
        {
            ModelFiles.LoadWeights(module, bytes, entries, weightsPath);
            return new RqVaeTokenizer(module) { recordedIdentity = config.ModelSha256 };
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (ownsModule) module.Dispose();
    }
}
