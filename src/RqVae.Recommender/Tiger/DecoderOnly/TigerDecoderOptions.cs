using System.Text.Json.Serialization;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>
/// How to fit a decoder-only TIGER recommender: a causal T5-style stack (pre-norm RMSNorm, relative position bias, ReLU
/// feed-forward) over each user's sequence flattened to ID tokens, trained on every code token of every item after the
/// first of a window in one pass. Flat, so that each member is one <c>--set name=value</c>; every member has a documented
/// default, and <see cref="Validate"/> checks them all before training starts. The defaults are the best measured on
/// MovieLens latest-small (validation NDCG@10, one seed) among the settings that train in minutes on one core: d_model 64
/// with prefix embeddings reached about the validation NDCG@10 of d_model 128 in a third of the time per epoch.
/// </summary>
public sealed record TigerDecoderOptions
{
    /// <summary>Width of every token representation, d_model. Default 64 (128 trained three times slower per epoch for a similar validation NDCG@10).</summary>
    public int ModelDimension { get; init; } = 64;

    /// <summary>Causal self-attention blocks. Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads per block. Default 2.</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Width of each head's queries, keys and values (T5's d_kv). Default 32.</summary>
    public int HeadDimension { get; init; } = 32;

    /// <summary>Hidden width of the ReLU feed-forward blocks. Default 256 (4 × d_model).</summary>
    public int FeedForwardDimension { get; init; } = 256;

    /// <summary>Dropout on the embeddings, the residual branches and in the feed-forward blocks. Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Relative-position buckets (T5: 32). Default 32.</summary>
    public int PositionBuckets { get; init; } = 32;

    /// <summary>Distance in tokens beyond which relative positions share a bucket (T5: 128). Default 128.</summary>
    public int MaxDistance { get; init; } = 128;

    /// <summary>
    /// Adds to each ID token's embedding a learned embedding of the item's ID prefix ending at that token (prefix n-grams:
    /// (c₁), (c₁, c₂), …, the full ID last), so the network also sees each item as a whole: items sharing a prefix share
    /// part of it, and a cold item's unseen full ID adds nothing (the table starts at zero). Default true (on MovieLens it
    /// raised validation NDCG@10 at every epoch compared, 0.043 against 0.034 after 3 epochs at d_model 128).
    /// </summary>
    public bool PrefixEmbeddings { get; init; } = true;

    /// <summary>
    /// Items per training window: each window is one sequence of BOS plus window × levels tokens, and every item in it
    /// after the first is a target. Default 20 (the protocol's history length).
    /// </summary>
    public int Window { get; init; } = 20;

    /// <summary>
    /// Items between the ends of consecutive windows of a user, counted back from the last training item; at most
    /// <see cref="Window"/> − 1, so every item after a user's first is a target of some window. Smaller strides give more
    /// targets a long history at more cost. Default 19 (each item a target about once an epoch: the cheapest full cover).
    /// </summary>
    public int Stride { get; init; } = 19;

    /// <summary>The longest history read when recommending (the last items); 0 takes <see cref="Window"/> − 1, the longest history a training target had. Default 0.</summary>
    public int MaxHistory { get; init; }

    /// <summary>The most passes over the windows (the cosine schedule spans them); early stopping may end sooner. Default 20.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Windows per optimizer step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>AdamW's peak learning rate, reached after the warm-up and decayed by a half cosine to zero. Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>AdamW's decoupled weight decay. Default 0.035 (genrec's and Paischer's recipe).</summary>
    public double WeightDecay { get; init; } = 0.035;

    /// <summary>Optimizer steps of linear warm-up. Default 100.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>Label smoothing of each level's cross-entropy. Default 0.1.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Gradients are clipped to this joint norm. Default 1.0.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>
    /// Stop after this many epochs without a better validation NDCG@10; the best epoch's weights are kept. Default 5
    /// (with 3, a run stopped on a noisy plateau while a longer one was still improving).
    /// </summary>
    public int Patience { get; init; } = 5;

    /// <summary>Beams of the constrained search; at least the number of items asked for is used. Default 30.</summary>
    public int Beam { get; init; } = 30;

    /// <summary>
    /// How the returned items are ranked; see <see cref="TigerRanking"/>. Default <see cref="TigerRanking.DenseAll"/>: every
    /// item by the dense head's score, which with <see cref="DenseItemEmbeddings"/> (also the default) is the content term
    /// plus a learned one per item (on MovieLens, 3 seeds: see BENCHMARKS.md, "A dense head that also learns each item").
    /// Needs <see cref="DenseWeight"/> &gt; 0 and item embeddings; without them set <see cref="TigerRanking.Generative"/>
    /// and DenseWeight 0.
    /// </summary>
    public TigerRanking Ranking { get; init; } = TigerRanking.DenseAll;

    /// <summary>
    /// With <see cref="TigerRanking.ColdPrefix"/>: nats subtracted from each cold item's prefix score, which calibrates it
    /// against the warm items' full log-probabilities (an even split of a prefix's probability among its children
    /// overrates the cold ones, since the network gives most of it to the warm children it was trained on). Default 0.
    /// </summary>
    public double ColdPrefixPenalty { get; init; }

    /// <summary>
    /// Weight of the LIGER dense head's loss: the state before each target item's first code is projected to the items'
    /// content space and taught, by a softmax over its cosines to every warm item's content embedding at
    /// <see cref="DenseTemperature"/>, to point at the target; 0 trains no dense head. Needs item embeddings. Default 1
    /// (on MovieLens it also lifted the generative ranking of the same weights: test HR@10 0.075 against 0.067 without
    /// the head, one seed).
    /// </summary>
    public double DenseWeight { get; init; } = 1;

    /// <summary>Temperature of the dense head's softmax over cosines. Default 0.05.</summary>
    public double DenseTemperature { get; init; } = 0.05;

    /// <summary>Width of the items' content embeddings the dense head predicts: set from the data when <see cref="DenseWeight"/> &gt; 0, else 0.</summary>
    public int ContentDimension { get; init; }

    /// <summary>
    /// Gives the dense head a learned embedding e_i per item, added to its score: cos(P h, c_i) / <see cref="DenseTemperature"/>
    /// + h·e_i, the content term for every item and a collaborative one, as SASRec's output layer, for the items trained on.
    /// A cold item is never a target and is masked out of every softmax, so its embedding stays at its initial zero and its
    /// score is its content's (or its content neighbours', see <see cref="DenseColdNeighbours"/>). No effect without a dense
    /// head (<see cref="DenseWeight"/> 0). Default true.
    /// </summary>
    public bool DenseItemEmbeddings { get; init; } = true;

    /// <summary>
    /// With <see cref="DenseItemEmbeddings"/>, makes an item's learned embedding the sum of learned embeddings of its ID's
    /// prefixes (c₁), (c₁, c₂), …, the full ID last, instead of one free vector: items that share a prefix share part of
    /// their collaborative term, and a cold item, whose full ID is never trained, still gets the part its prefixes learned
    /// from the warm items under them. This is where the IDs' structure reaches the ranking: with random IDs the shared
    /// parts are shared by unrelated items. Default false: on MovieLens (one seed) it fell below one free vector per item
    /// (test NDCG@10 0.058 against 0.071), was no better than random IDs, and lifted no cold item into a top 10.
    /// </summary>
    public bool DenseItemEmbeddingsFromIdPrefixes { get; init; }

    /// <summary>
    /// With <see cref="DenseItemEmbeddings"/>, a cold item (no embedding of its own) is ranked with the mean embedding of
    /// this many warm items nearest to it in content (cosine), so that its collaborative term is its neighbours' rather
    /// than zero, which no warm item's score is near; 0 leaves it at zero. Only ranking uses it; training never sees a
    /// cold item. Default 1: on MovieLens (3 seeds) 1 neighbour put a held-out movie in the top 10 for 1 of the 32 cold
    /// test users in every seed, at 0.002 of test HR@10 and NDCG@10; the mean of 5, 10 or 20 is too short a vector to
    /// lift any cold item into a top 10 (cold HR@10 0, the warm figures of 0).
    /// </summary>
    public int DenseColdNeighbours { get; init; } = 1;

    /// <summary>Torch threads for the run; 0 keeps the process's setting. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>The history length used when recommending.</summary>
    [JsonIgnore]
    public int EffectiveMaxHistory => MaxHistory > 0 ? MaxHistory : Window - 1;

    /// <summary>The block settings, in the shape the shared T5 blocks take.</summary>
    [JsonIgnore]
    internal TigerOptions Blocks => new()
    {
        ModelDimension = ModelDimension,
        EncoderLayers = Layers,
        DecoderLayers = 1,
        Heads = Heads,
        HeadDimension = HeadDimension,
        FeedForwardDimension = FeedForwardDimension,
        Dropout = Dropout,
        PositionBuckets = PositionBuckets,
        MaxDistance = MaxDistance,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public TigerDecoderOptions Validate()
    {
        TigerOptions.Require(ModelDimension > 0, nameof(ModelDimension), $"must be positive (got {ModelDimension})");
        TigerOptions.Require(Layers > 0, nameof(Layers), $"must be positive (got {Layers})");
        TigerOptions.Require(Heads > 0, nameof(Heads), $"must be positive (got {Heads})");
        TigerOptions.Require(HeadDimension > 0, nameof(HeadDimension), $"must be positive (got {HeadDimension})");
        TigerOptions.Require(FeedForwardDimension > 0, nameof(FeedForwardDimension), $"must be positive (got {FeedForwardDimension})");
        TigerOptions.Require(Dropout is >= 0 and < 1, nameof(Dropout), $"must be in [0, 1) (got {Dropout})");
        TigerOptions.Require(PositionBuckets >= 4, nameof(PositionBuckets), $"must be ≥ 4 (got {PositionBuckets})");
        TigerOptions.Require(MaxDistance > PositionBuckets / 2, nameof(MaxDistance), $"must exceed half the buckets, {PositionBuckets / 2} (got {MaxDistance})");
        TigerOptions.Require(Window >= 2, nameof(Window), $"must be at least 2 items (got {Window})");
        TigerOptions.Require(Stride >= 1 && Stride < Window, nameof(Stride), $"must be in 1 … Window − 1 = {Window - 1}, so that every item is a target of some window (got {Stride})");
        TigerOptions.Require(MaxHistory >= 0, nameof(MaxHistory), $"must be ≥ 0 (got {MaxHistory})");
        TigerOptions.Require(Epochs > 0, nameof(Epochs), $"must be positive (got {Epochs})");
        TigerOptions.Require(BatchSize > 0, nameof(BatchSize), $"must be positive (got {BatchSize})");
        TigerOptions.Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be a positive number (got {LearningRate})");
        TigerOptions.Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"must be ≥ 0 (got {WeightDecay})");
        TigerOptions.Require(WarmupSteps >= 0, nameof(WarmupSteps), $"must be ≥ 0 (got {WarmupSteps})");
        TigerOptions.Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), $"must be in [0, 1) (got {LabelSmoothing})");
        TigerOptions.Require(ClipNorm > 0 && double.IsFinite(ClipNorm), nameof(ClipNorm), $"must be positive (got {ClipNorm})");
        TigerOptions.Require(Patience > 0, nameof(Patience), $"must be positive (got {Patience})");
        TigerOptions.Require(Beam > 0, nameof(Beam), $"must be positive (got {Beam})");
        TigerOptions.Require(Enum.IsDefined(Ranking), nameof(Ranking), $"is not a known ranking ({Ranking})");
        TigerOptions.Require(DenseWeight >= 0 && double.IsFinite(DenseWeight), nameof(DenseWeight), $"must be ≥ 0 (got {DenseWeight})");
        TigerOptions.Require(DenseTemperature > 0 && double.IsFinite(DenseTemperature), nameof(DenseTemperature), $"must be positive (got {DenseTemperature})");
        TigerOptions.Require(ColdPrefixPenalty >= 0 && double.IsFinite(ColdPrefixPenalty), nameof(ColdPrefixPenalty), $"must be ≥ 0 (got {ColdPrefixPenalty})");
        TigerOptions.Require(ContentDimension >= 0, nameof(ContentDimension), $"must be ≥ 0 (got {ContentDimension})");
        TigerOptions.Require(Ranking is not (TigerRanking.Dense or TigerRanking.DenseCold or TigerRanking.DenseAll) || DenseWeight > 0, nameof(Ranking), $"{Ranking} needs a dense head: set DenseWeight > 0");
        TigerOptions.Require(!DenseItemEmbeddingsFromIdPrefixes || DenseItemEmbeddings, nameof(DenseItemEmbeddingsFromIdPrefixes), "needs DenseItemEmbeddings true");
        TigerOptions.Require(DenseColdNeighbours >= 0, nameof(DenseColdNeighbours), $"must be ≥ 0 (got {DenseColdNeighbours})");
        TigerOptions.Require(Threads >= 0, nameof(Threads), $"must be ≥ 0 (got {Threads})");
        return this;
    }
}
