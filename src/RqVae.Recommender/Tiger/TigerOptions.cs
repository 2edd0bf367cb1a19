using System.Text.Json.Serialization;

namespace RqVae.Recommender.Tiger;

/// <summary>How the encoder reads a history.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TigerHistoryInput>))]
public enum TigerHistoryInput
{
    /// <summary>The paper's input: every code of every history item is one encoder token (history × levels positions).</summary>
    Codes,

    /// <summary>
    /// One encoder position per history item, embedded as the sum of learned embeddings of each of its ID prefixes
    /// (c₁), (c₁, c₂), … (prefix n-grams): items that share a prefix share part of their embedding, so an item never
    /// seen in training is still placed near its neighbours; the encoder is a levels-th as long.
    /// </summary>
    Prefixes,
}

/// <summary>
/// The shape of a TIGER network: a T5-style encoder-decoder (pre-norm RMSNorm, relative position bias, ReLU
/// feed-forward) over semantic-ID tokens. The defaults are the size measured best on MovieLens latest-small that
/// trains in minutes on 2 cores; <see cref="Paper"/> is the published size (4 + 4 layers, 6 heads × 64, FFN 1024).
/// </summary>
public sealed record TigerOptions
{
    /// <summary>Width of every token representation, d_model. Default 128 (the paper's).</summary>
    public int ModelDimension { get; init; } = 128;

    /// <summary>Encoder blocks. Default 2.</summary>
    public int EncoderLayers { get; init; } = 2;

    /// <summary>Decoder blocks. Default 2.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>Attention heads per block. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Width of each head's queries, keys and values (T5's d_kv; need not be d_model / heads). Default 32.</summary>
    public int HeadDimension { get; init; } = 32;

    /// <summary>Hidden width of the ReLU feed-forward blocks. Default 512.</summary>
    public int FeedForwardDimension { get; init; } = 512;

    /// <summary>Dropout after attention, in the feed-forward block and on attention weights. Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Relative-position buckets per stack (T5: 32). Default 32.</summary>
    public int PositionBuckets { get; init; } = 32;

    /// <summary>Distance beyond which relative positions share the last bucket (T5: 128). Default 128.</summary>
    public int MaxDistance { get; init; } = 128;

    /// <summary>How the encoder reads the history. Default <see cref="TigerHistoryInput.Codes"/> (the paper's).</summary>
    public TigerHistoryInput HistoryInput { get; init; } = TigerHistoryInput.Codes;

    /// <summary>
    /// Width of the item content embeddings the dense head predicts (LIGER: the decoder's final state, projected,
    /// should be close in cosine to the target item's content embedding); 0 leaves the head out. Set from the data. Default 0.
    /// </summary>
    public int ContentDimension { get; init; }

    /// <summary>The published TIGER size: 4 + 4 layers, d_model 128, 6 heads × 64, FFN 1024, dropout 0.1 (about 13 M parameters with its vocabulary).</summary>
    public static TigerOptions Paper { get; } = new() { EncoderLayers = 4, DecoderLayers = 4, Heads = 6, HeadDimension = 64, FeedForwardDimension = 1024 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public TigerOptions Validate()
    {
        Require(ModelDimension > 0, nameof(ModelDimension), $"must be positive (got {ModelDimension})");
        Require(EncoderLayers > 0, nameof(EncoderLayers), $"must be positive (got {EncoderLayers})");
        Require(DecoderLayers > 0, nameof(DecoderLayers), $"must be positive (got {DecoderLayers})");
        Require(Heads > 0, nameof(Heads), $"must be positive (got {Heads})");
        Require(HeadDimension > 0, nameof(HeadDimension), $"must be positive (got {HeadDimension})");
        Require(FeedForwardDimension > 0, nameof(FeedForwardDimension), $"must be positive (got {FeedForwardDimension})");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), $"must be in [0, 1) (got {Dropout})");
        Require(PositionBuckets >= 4 && PositionBuckets % 2 == 0, nameof(PositionBuckets), $"must be an even number ≥ 4 (got {PositionBuckets})");
        Require(MaxDistance > PositionBuckets / 2, nameof(MaxDistance), $"must exceed half the buckets, {PositionBuckets / 2} (got {MaxDistance})");
        Require(Enum.IsDefined(HistoryInput), nameof(HistoryInput), $"is not a known input ({HistoryInput})");
        Require(ContentDimension >= 0, nameof(ContentDimension), $"must be ≥ 0 (got {ContentDimension})");
        return this;
    }

    internal static void Require(bool condition, string member, string message)
    {
        if (!condition) throw new ArgumentException($"{member} {message}.", member);
    }
}
