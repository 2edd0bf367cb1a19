namespace RqVae.Recommender.SasRec;

/// <summary>
/// SASRec's settings: the architecture and training recipe that reach the published full-ranking numbers (2 blocks,
/// 2 heads, d 64, FFN 256, dropout 0.2, history 50, embeddings × √d, output tied to the item table, full-softmax
/// cross-entropy at every position, Adam 1e-3, early stopping on validation NDCG@10), trained on every transition.
/// The architecture's defaults are that recipe's; the training defaults were chosen on MovieLens latest-small's
/// validation NDCG@10 (seed 1), as each one says.
/// </summary>
public sealed record SasRecOptions
{
    /// <summary>Transformer blocks. Default 2 (the recipe's); 1 to 12.</summary>
    public int Blocks { get; init; } = 2;

    /// <summary>Attention heads per block; must divide <see cref="Dimension"/>. Default 2 (the recipe's).</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Width of the item and position embeddings and of every block. Default 64 (the recipe's); 8 to 1024.</summary>
    public int Dimension { get; init; } = 64;

    /// <summary>Width of each block's feed-forward layer. Default 256 (the recipe's, 4 × d); at least 1.</summary>
    public int FeedForward { get; init; } = 256;

    /// <summary>Dropout on embeddings, attention weights, and both sublayers' outputs. Default 0.2; in [0, 0.9].</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>The longest history the model reads (the last this many items). Default 50 (the recipe's); 2 to 1024.</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>Adam's learning rate. Default 1e-3, the recipe's (with every transition trained, validation peaked after 31 to 43 epochs over three seeds); positive.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam's β₂ (β₁ is 0.9). Default 0.98, as in the SASRec paper; in (0, 1).</summary>
    public double Beta2 { get; init; } = 0.98;

    /// <summary>
    /// True (the default): every user's sequence is cut from the end into windows so that every transition is trained
    /// once. False: each user contributes one window, the last MaxLength + 1 items of the training sequence, as SASRec
    /// is often trained on data whose users fit one window. On MovieLens latest-small (140 training items per user on
    /// average) one window per user trains at most 36 % of the transitions and overfits them: validation NDCG@10 0.042
    /// against 0.067 with every window, for about three times the work per epoch.
    /// </summary>
    public bool EveryWindow { get; init; } = true;

    /// <summary>
    /// With <see cref="EveryWindow"/>, how many items apart the windows end; each window trains only its last Stride
    /// transitions and reads the items before them as context, so every transition is trained once with up to
    /// MaxLength − Stride items of history even at the start of its span. 0 (the default) means MaxLength: windows
    /// that do not overlap. Otherwise 1 to <see cref="MaxLength"/>; a smaller stride costs about MaxLength / Stride
    /// times the Transformer work per epoch (the full softmax, the larger part, stays the same).
    /// </summary>
    public int Stride { get; init; }

    /// <summary>
    /// Training windows per step (each up to <see cref="MaxLength"/> positions). Default 32; at least 1. With one window
    /// per user an epoch of MovieLens is only 21 steps at 32 (6 at 128), and the full softmax costs the same per epoch
    /// whatever the batch, so smaller batches reach a given validation score in less time.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The most epochs. Default 200, a bound that early stopping reaches first (after 46 to 58 epochs on MovieLens); at least 1.</summary>
    public int MaxEpochs { get; init; } = 200;

    /// <summary>
    /// Stop after this many epochs without a better validation NDCG@10 (the best epoch's weights are kept). Default 15:
    /// validation NDCG@10 moves by ±0.005 from epoch to epoch on 671 users, so a shorter patience stops on a dip; at least 1.
    /// </summary>
    public int Patience { get; init; } = 15;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public SasRecOptions Validate()
    {
        static void Check(bool ok, string name, string rule, object value)
        {
            if (!ok) throw new ArgumentException($"{name} must be {rule}; it is {value}.", name);
        }
        Check(Blocks is >= 1 and <= 12, nameof(Blocks), "between 1 and 12", Blocks);
        Check(Dimension is >= 8 and <= 1024, nameof(Dimension), "between 8 and 1024", Dimension);
        Check(Heads >= 1 && Dimension % Heads == 0, nameof(Heads), $"at least 1 and divide Dimension ({Dimension})", Heads);
        Check(FeedForward >= 1, nameof(FeedForward), "at least 1", FeedForward);
        Check(Dropout is >= 0 and <= 0.9, nameof(Dropout), "in [0, 0.9]", Dropout);
        Check(MaxLength is >= 2 and <= 1024, nameof(MaxLength), "between 2 and 1024", MaxLength);
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), "a positive number", LearningRate);
        Check(Beta2 is > 0 and < 1, nameof(Beta2), "in (0, 1)", Beta2);
        Check(Stride >= 0 && Stride <= MaxLength, nameof(Stride), $"0 (MaxLength) or between 1 and MaxLength ({MaxLength})", Stride);
        Check(BatchSize >= 1, nameof(BatchSize), "at least 1", BatchSize);
        Check(MaxEpochs >= 1, nameof(MaxEpochs), "at least 1", MaxEpochs);
        Check(Patience >= 1, nameof(Patience), "at least 1", Patience);
        return this;
    }
}
