using System.Text.Json;
using RqVae.Model;
using RqVae.SemanticIds;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>
/// Decoder-only TIGER: the same generative retrieval over semantic IDs (the next item's ID generated code by code,
/// decoding constrained to the catalogue's IDs), with one causal Transformer over the user's sequence flattened to ID
/// tokens instead of an encoder-decoder, so that training covers every item of a window in one pass.
/// </summary>
public sealed class TigerDecoderKind : RecommenderKind<TigerDecoderOptions>
{
    /// <summary>The kind's name, "tiger-decoder".</summary>
    public const string KindName = "tiger-decoder";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "TIGER (decoder-only)";

    /// <inheritdoc />
    public override string Summary => "Generates the next item's semantic ID token by token after the history's ID tokens (causal T5-style stack, trie-constrained beam search).";

    /// <inheritdoc />
    public override bool NeedsSemanticIds => true;

    /// <inheritdoc />
    public override bool SupportsResume => true;

    /// <inheritdoc />
    protected override TigerDecoderOptions Validate(TigerDecoderOptions options) => options.Validate();

    /// <inheritdoc />
    protected override IRecommender Fit(RecommenderTrainingData data, TigerDecoderOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
        => TigerDecoderTrainer.Fit(data, options, settings, progress, cancellationToken);

    /// <inheritdoc />
    protected override IRecommender Load(string directory, RecommenderConfig config, TigerDecoderOptions options)
    {
        var configPath = Path.Combine(directory, RecommenderConfig.FileName);
        TigerState state;
        try
        {
            state = config.State?.Deserialize<TigerState>(RecommenderConfig.JsonOptions) ?? throw new ModelFormatException(configPath, "the TIGER state (ID table) is missing.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"the TIGER state is not valid ({e.Message}).", e);
        }
        if (state.Levels < 1 || state.Codes.Length != (long)config.ItemCount * state.Levels)
            throw new ModelFormatException(configPath, $"the TIGER state's ID table has {state.Codes.Length} codes, not {config.ItemCount} items × {state.Levels} levels.");
        var ids = new SemanticIdTable(state.Codes, state.Levels);
        var vocabulary = TigerVocabulary.Create(ids);
        var weights = config.ReadWeights(directory);
        using var content = options.ContentDimension > 0 ? zeros(config.ItemCount, options.ContentDimension) : null;
        var module = new TigerDecoderModule(options, vocabulary, generator: null, content);
        try
        {
            using var stream = new MemoryStream(weights, writable: false);
            module.load_safetensors(stream, strict: true);
        }
        catch (Exception e) when (e is not ModelFormatException)
        {
            module.Dispose();
            throw new ModelFormatException(Path.Combine(directory, config.WeightsFile!), $"the weights do not match the TIGER options in {RecommenderConfig.FileName} ({e.Message}). Train the recommender again.", e);
        }
        var cold = new bool[config.ItemCount];
        foreach (var i in state.ColdItems)
            if ((uint)i < (uint)cold.Length) cold[i] = true;
        return new TigerDecoderRecommender(module, vocabulary, ids, options, cold, state.BestEpoch);
    }
}
