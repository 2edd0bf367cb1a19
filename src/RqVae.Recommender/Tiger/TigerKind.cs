using RqVae.Recommender.Tiger.Modules;
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
        var saved = TigerSavedModel.Read(directory, config);
        using var content = options.ContentDimension > 0 ? zeros(config.ItemCount, options.ContentDimension) : null;
        var module = saved.LoadInto(new TigerModule(options.Model, saved.Vocabulary, content, generator: null));
        return new TigerRecommender(module, saved.Vocabulary, saved.Ids, options, saved.State.MaxHistory, saved.ColdItems, saved.State.BestEpoch);
    }
}
