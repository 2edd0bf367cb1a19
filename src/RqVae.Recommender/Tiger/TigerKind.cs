using System.Text.Json;
using RqVae.Model;
using RqVae.Recommender.Tiger.Modules;
using RqVae.SemanticIds;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// TIGER (Rajput et al. 2023): generative retrieval that predicts the next item by generating its semantic ID code by code
/// with a T5-style encoder-decoder, decoding constrained to the catalogue's IDs; optionally with a LIGER dense head.
/// </summary>
public sealed class TigerKind : RecommenderKind<TigerRecommenderOptions>
{
    /// <summary>The kind's name, "tiger".</summary>
    public const string KindName = "tiger";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "TIGER";

    /// <inheritdoc />
    public override string Summary => "Generates the next item's semantic ID token by token (T5 encoder-decoder, trie-constrained beam search).";

    /// <inheritdoc />
    public override bool NeedsSemanticIds => true;

    /// <inheritdoc />
    public override bool SupportsResume => true;

    /// <inheritdoc />
    protected override TigerRecommenderOptions Validate(TigerRecommenderOptions options) => options.Validate();

    /// <inheritdoc />
    protected override IRecommender Fit(RecommenderTrainingData data, TigerRecommenderOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
        => TigerTrainer.Fit(data, options, settings, progress, cancellationToken);

    /// <inheritdoc />
    protected override IRecommender Load(string directory, RecommenderConfig config, TigerRecommenderOptions options)
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
        var module = new TigerModule(options.Model, vocabulary, content, generator: null);
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
        return new TigerRecommender(module, vocabulary, ids, options, state.MaxHistory, cold, state.BestEpoch);
    }
}
