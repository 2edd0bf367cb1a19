namespace RqVae.Recommender.SasRec;

/// <summary>
/// SASRec (Kang and McAuley 2018), done the way that reaches the published full-ranking numbers: causal
/// self-attention over item IDs, output tied to the item table, full-softmax cross-entropy, early stopping on
/// validation NDCG@10. It cannot recommend an item it never saw in training.
/// </summary>
public sealed class SasRecKind : RecommenderKind<SasRecOptions>
{
    /// <summary>The kind's name, "sasrec".</summary>
    public const string KindName = "sasrec";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "SASRec";

    /// <inheritdoc />
    public override string Summary => "SASRec: causal self-attention over the item IDs of the history, full-softmax cross-entropy, early stopping on validation.";

    /// <inheritdoc />
    public override bool SupportsResume => true;

    /// <inheritdoc />
    protected override SasRecOptions Validate(SasRecOptions options) => options.Validate();

    /// <inheritdoc />
    protected override IRecommender Fit(RecommenderTrainingData data, SasRecOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken) =>
        SasRecTrainer.Fit(data, options, settings, progress, cancellationToken);

    /// <inheritdoc />
    protected override IRecommender Load(string directory, RecommenderConfig config, SasRecOptions options) => SasRecRecommender.Load(directory, config, options);
}
