using System.Text.Json.Serialization;

namespace RqVae.Recommender.Tiger;

/// <summary>How a TIGER recommender ranks the items it returns.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TigerRanking>))]
public enum TigerRanking
{
    /// <summary>By the generated ID's log-probability (the paper's constrained beam search).</summary>
    Generative,

    /// <summary>
    /// LIGER: the beam's candidates plus every cold item, re-ranked by the dense head's cosine to each item's content
    /// embedding, so items the model never saw in training can be recommended on their content. Needs a dense head.
    /// </summary>
    Dense,

    /// <summary>
    /// The beam's candidates by log-probability plus every cold item by the log-probability of the longest ID prefix it
    /// shares with warm items, split evenly among that prefix's children (see <c>ColdPrefixRanking</c>): cold items
    /// placed by the codes the network did learn, with no dense head. Decoder-only TIGER only.
    /// </summary>
    ColdPrefix,

    /// <summary>
    /// The generative ranking with cold items let in by the dense head: the beam's candidates plus every cold item are
    /// ordered by cosine to decide which places go to cold items (filled in cosine order); the other places keep the
    /// beam's candidates in generative order. Needs a dense head. Decoder-only TIGER only.
    /// </summary>
    DenseCold,

    /// <summary>
    /// Every item (cold ones included) by the dense head's score alone, no beam: the whole catalogue ranked as SASRec ranks
    /// it, by a head that reads the network's state. Needs a dense head. Decoder-only TIGER only.
    /// </summary>
    DenseAll,
}

/// <summary>
/// How to fit a TIGER recommender: the network (flat, so that each is one <c>--set name=value</c>; <see cref="Model"/> gathers them) and its training. Every member has a documented
/// default; <see cref="Validate"/> checks them all before training starts.
/// </summary>
public sealed record TigerRecommenderOptions
{
    /// <summary>Width of every token representation, d_model. Default 128 (the paper's); see <see cref="TigerOptions.ModelDimension"/>.</summary>
    public int ModelDimension { get; init; } = Defaults.ModelDimension;

    /// <summary>Encoder blocks. Default 2 (the paper: 4).</summary>
    public int EncoderLayers { get; init; } = Defaults.EncoderLayers;

    /// <summary>Decoder blocks. Default 2 (the paper: 4).</summary>
    public int DecoderLayers { get; init; } = Defaults.DecoderLayers;

    /// <summary>Attention heads per block. Default 4 (the paper: 6).</summary>
    public int Heads { get; init; } = Defaults.Heads;

    /// <summary>Width of each head (T5's d_kv). Default 32 (the paper: 64).</summary>
    public int HeadDimension { get; init; } = Defaults.HeadDimension;

    /// <summary>Hidden width of the feed-forward blocks. Default 512 (the paper: 1024).</summary>
    public int FeedForwardDimension { get; init; } = Defaults.FeedForwardDimension;

    /// <summary>Dropout on the residual branches and in the feed-forward blocks. Default 0.1.</summary>
    public double Dropout { get; init; } = Defaults.Dropout;

    /// <summary>Relative-position buckets (T5: 32). Default 32.</summary>
    public int PositionBuckets { get; init; } = Defaults.PositionBuckets;

    /// <summary>Distance beyond which relative positions share a bucket (T5: 128). Default 128.</summary>
    public int MaxDistance { get; init; } = Defaults.MaxDistance;

    /// <summary>How the encoder reads the history; see <see cref="TigerHistoryInput"/>. Default <see cref="TigerHistoryInput.Codes"/>.</summary>
    public TigerHistoryInput HistoryInput { get; init; } = Defaults.HistoryInput;

    /// <summary>Width of the items' content embeddings the dense head predicts: set from the data when <see cref="DenseWeight"/> &gt; 0, else 0.</summary>
    public int ContentDimension { get; init; }

    /// <summary>The network these settings describe.</summary>
    [JsonIgnore]
    public TigerOptions Model => new()
    {
        ModelDimension = ModelDimension,
        EncoderLayers = EncoderLayers,
        DecoderLayers = DecoderLayers,
        Heads = Heads,
        HeadDimension = HeadDimension,
        FeedForwardDimension = FeedForwardDimension,
        Dropout = Dropout,
        PositionBuckets = PositionBuckets,
        MaxDistance = MaxDistance,
        HistoryInput = HistoryInput,
        ContentDimension = ContentDimension,
    };

    /// <summary>These training settings with the network <paramref name="model"/>.</summary>
    public TigerRecommenderOptions WithModel(TigerOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return this with
        {
            ModelDimension = model.ModelDimension,
            EncoderLayers = model.EncoderLayers,
            DecoderLayers = model.DecoderLayers,
            Heads = model.Heads,
            HeadDimension = model.HeadDimension,
            FeedForwardDimension = model.FeedForwardDimension,
            Dropout = model.Dropout,
            PositionBuckets = model.PositionBuckets,
            MaxDistance = model.MaxDistance,
            HistoryInput = model.HistoryInput,
            ContentDimension = model.ContentDimension,
        };
    }

    private static TigerOptions Defaults { get; } = new();

    /// <summary>The most passes over the (history, next item) pairs; early stopping usually ends sooner. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>(history, next item) pairs per optimizer step. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>AdamW's peak learning rate, reached after the warm-up and decayed by a half cosine to zero. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW's decoupled weight decay. Default 0.035 (genrec's and Paischer's recipe).</summary>
    public double WeightDecay { get; init; } = 0.035;

    /// <summary>Optimizer steps of linear warm-up. Default 100.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>Label smoothing of each level's cross-entropy. Default 0.1.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Gradients are clipped to this joint norm. Default 1.0.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>The longest history the encoder reads (the last items); 0 takes the protocol's. Default 0.</summary>
    public int MaxHistory { get; init; }

    /// <summary>Stop after this many epochs without a better validation NDCG@10; the best epoch's weights are kept. Default 3.</summary>
    public int Patience { get; init; } = 3;

    /// <summary>Beams of the constrained search; at least the number of items asked for is used. Default 30 (Paischer's).</summary>
    public int Beam { get; init; } = 30;

    /// <summary>How the returned items are ranked. Default <see cref="TigerRanking.Generative"/>.</summary>
    public TigerRanking Ranking { get; init; } = TigerRanking.Generative;

    /// <summary>
    /// Weight of the dense head's loss (a softmax over the cosines of the prediction to every warm item's content
    /// embedding, at <see cref="DenseTemperature"/>); 0 trains no dense head. Needs item embeddings. Default 0.
    /// </summary>
    public double DenseWeight { get; init; }

    /// <summary>Temperature of the dense head's softmax over cosines. Default 0.05.</summary>
    public double DenseTemperature { get; init; } = 0.05;

    /// <summary>Torch threads for the run; 0 keeps the process's setting. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public TigerRecommenderOptions Validate()
    {
        Model.Validate();
        TigerOptions.Require(Epochs > 0, nameof(Epochs), $"must be positive (got {Epochs})");
        TigerOptions.Require(BatchSize > 0, nameof(BatchSize), $"must be positive (got {BatchSize})");
        TigerOptions.Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be a positive number (got {LearningRate})");
        TigerOptions.Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"must be ≥ 0 (got {WeightDecay})");
        TigerOptions.Require(WarmupSteps >= 0, nameof(WarmupSteps), $"must be ≥ 0 (got {WarmupSteps})");
        TigerOptions.Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), $"must be in [0, 1) (got {LabelSmoothing})");
        TigerOptions.Require(ClipNorm > 0 && double.IsFinite(ClipNorm), nameof(ClipNorm), $"must be positive (got {ClipNorm})");
        TigerOptions.Require(MaxHistory >= 0, nameof(MaxHistory), $"must be ≥ 0 (got {MaxHistory})");
        TigerOptions.Require(Patience > 0, nameof(Patience), $"must be positive (got {Patience})");
        TigerOptions.Require(Beam > 0, nameof(Beam), $"must be positive (got {Beam})");
        TigerOptions.Require(Enum.IsDefined(Ranking), nameof(Ranking), $"is not a known ranking ({Ranking})");
        TigerOptions.Require(DenseWeight >= 0 && double.IsFinite(DenseWeight), nameof(DenseWeight), $"must be ≥ 0 (got {DenseWeight})");
        TigerOptions.Require(DenseTemperature > 0 && double.IsFinite(DenseTemperature), nameof(DenseTemperature), $"must be positive (got {DenseTemperature})");
        TigerOptions.Require(Ranking != TigerRanking.Dense || DenseWeight > 0, nameof(Ranking), "Dense needs a dense head: set DenseWeight > 0");
        TigerOptions.Require(Ranking is not (TigerRanking.ColdPrefix or TigerRanking.DenseCold or TigerRanking.DenseAll), nameof(Ranking), $"{Ranking} is the decoder-only kind's (tiger-decoder); use Generative or Dense");
        TigerOptions.Require(Threads >= 0, nameof(Threads), $"must be ≥ 0 (got {Threads})");
        return this;
    }
}
