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
        var saved = TigerSavedModel.Read(directory, config);
        using var content = options.ContentDimension > 0 ? zeros(config.ItemCount, options.ContentDimension) : null;
        var module = saved.LoadInto(new TigerDecoderModule(options, saved.Vocabulary, generator: null, content));
        return new TigerDecoderRecommender(module, saved.Vocabulary, saved.Ids, options, saved.ColdItems, saved.State.BestEpoch);
    }
}
