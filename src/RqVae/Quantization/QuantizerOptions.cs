using System.Text.Json.Serialization;

namespace RqVae.Quantization;

/// <summary>
/// Everything about the residual quantizer in one place: its shape (levels × codes), the kind of codebook, how
/// codes are assigned and how the gradient crosses it, and how its codebooks are started (k-means) and kept alive
/// (dead-code reset) during training. <see cref="ResidualQuantizer"/> is built from it and never reconfigured
/// afterwards. The first group is part of a saved model; the k-means and dead-code settings matter only while training.
/// </summary>
public sealed record QuantizerOptions
{
    /// <summary>Number of residual quantization levels, i.e. the length of a semantic ID. Default 3.</summary>
    public int Levels { get; init; } = 3;

    /// <summary>Codes per level (K). Default 256.</summary>
    public int CodebookSize { get; init; } = 256;

    /// <summary>Plain (gradient-learned) or EMA codebooks. Default <see cref="QuantizerKind.Standard"/>.</summary>
    public QuantizerKind Quantizer { get; init; } = QuantizerKind.Standard;

    /// <summary>Decay of the EMA codebook statistics, in (0, 1). Default 0.99. Used only by EMA quantizers.</summary>
    public double EmaDecay { get; init; } = 0.99;

    /// <summary>Laplace smoothing ε of the EMA cluster sizes, &gt; 0. Default 1e-5. Used only by EMA quantizers.</summary>
    public double EmaEpsilon { get; init; } = 1e-5;

    /// <summary>
    /// Use every codebook L2-normalised: codes are assigned by cosine similarity and looked up as unit
    /// vectors. Default false (plain Euclidean codebooks).
    /// </summary>
    public bool CosineCodebooks { get; init; }

    /// <summary>How the gradient crosses the quantizer during training. Default <see cref="GradientEstimator.StraightThrough"/>.</summary>
    public GradientEstimator GradientEstimator { get; init; } = GradientEstimator.StraightThrough;

    /// <summary>
    /// Assign codes on <see cref="SinkhornLevels"/> by Sinkhorn–Knopp balanced assignment over each batch,
    /// in training and in encoding, instead of nearest-code. Default false. A balanced level's code
    /// depends on the rest of the batch it is encoded with.
    /// </summary>
    public bool BalancedAssignment { get; init; }

    /// <summary>0-based levels that use balanced assignment when <see cref="BalancedAssignment"/> is on; null (default) means the last level only.</summary>
    public IReadOnlyList<int>? SinkhornLevels { get; init; }

    /// <summary>ε of the Sinkhorn plan, relative to each batch's range of distances. Default 0.003 (LC-Rec's).</summary>
    public double SinkhornEpsilon { get; init; } = 0.003;

    /// <summary>Sinkhorn scaling rounds per batch. Default 50.</summary>
    public int SinkhornIterations { get; init; } = 50;

    /// <summary>Initialise each codebook by k-means++ on the residuals its level sees, before the first step. Default true.</summary>
    public bool KMeansInit { get; init; } = true;

    /// <summary>Items sampled for the k-means initialisation. Default 20,000 (or all, if fewer).</summary>
    public int KMeansSampleSize { get; init; } = 20_000;

    /// <summary>Lloyd iterations of the k-means initialisation. Default 50.</summary>
    public int KMeansIterations { get; init; } = 50;

    /// <summary>Re-seed codes that fall out of use from the worst-fitted residuals of the batch, between steps. Default true.</summary>
    public bool DeadCodeReset { get; init; } = true;

    /// <summary>
    /// A code is dead when its moving-average usage falls under this share of uniform usage (N/K per batch
    /// of N). Default 0.05: used by fewer than 1 in 20 of the items a uniform code would get.
    /// </summary>
    public double DeadCodeThreshold { get; init; } = 0.05;

    /// <summary>Per-step decay of the code-usage moving average; its window is about 1 / (1 − decay) steps. Default 0.99.</summary>
    public double CodeUsageDecay { get; init; } = 0.99;

    /// <summary>The 0-based levels that use balanced assignment (empty when it is off).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> BalancedLevels => !BalancedAssignment ? [] : SinkhornLevels ?? [Levels - 1];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public QuantizerOptions Validate()
    {
        Require(Levels is > 0 and <= 64, nameof(Levels), $"must be in 1..64 (got {Levels})");
        Require(CodebookSize is > 1 and <= 1 << 20, nameof(CodebookSize), $"must be in 2..1048576 (got {CodebookSize})");
        Require(Enum.IsDefined(Quantizer), nameof(Quantizer), $"is not a known quantizer kind ({Quantizer})");
        Require(EmaDecay is > 0 and < 1, nameof(EmaDecay), $"must be in (0, 1) (got {EmaDecay})");
        Require(EmaEpsilon > 0 && double.IsFinite(EmaEpsilon), nameof(EmaEpsilon), $"must be a finite number > 0 (got {EmaEpsilon})");
        Require(Enum.IsDefined(GradientEstimator), nameof(GradientEstimator), $"is not a known gradient estimator ({GradientEstimator})");
        Require(SinkhornLevels is null || (SinkhornLevels.Count > 0 && SinkhornLevels.All(l => l >= 0 && l < Levels)), nameof(SinkhornLevels),
            $"must list 0-based levels in 0..{Levels - 1} (or be null for the last level)");
        Require(SinkhornEpsilon > 0 && double.IsFinite(SinkhornEpsilon), nameof(SinkhornEpsilon), $"must be a finite number > 0 (got {SinkhornEpsilon})");
        Require(SinkhornIterations is >= 1 and <= 10_000, nameof(SinkhornIterations), $"must be in 1..10000 (got {SinkhornIterations})");
        Require(KMeansSampleSize > 0, nameof(KMeansSampleSize), $"must be positive (got {KMeansSampleSize})");
        Require(KMeansIterations >= 0, nameof(KMeansIterations), $"must be ≥ 0 (got {KMeansIterations})");
        Require(DeadCodeThreshold is > 0 and < 1, nameof(DeadCodeThreshold), $"must be in (0, 1) (got {DeadCodeThreshold})");
        Require(CodeUsageDecay is > 0 and < 1, nameof(CodeUsageDecay), $"must be in (0, 1) (got {CodeUsageDecay})");
        return this;
    }

    /// <summary>Structural equality that compares <see cref="SinkhornLevels"/> element by element.</summary>
    public bool Equals(QuantizerOptions? other) =>
        other is not null
        && Levels == other.Levels
        && CodebookSize == other.CodebookSize
        && Quantizer == other.Quantizer
        && EmaDecay.Equals(other.EmaDecay)
        && EmaEpsilon.Equals(other.EmaEpsilon)
        && CosineCodebooks == other.CosineCodebooks
        && GradientEstimator == other.GradientEstimator
        && BalancedAssignment == other.BalancedAssignment
        && (SinkhornLevels ?? []).SequenceEqual(other.SinkhornLevels ?? [])
        && (SinkhornLevels is null) == (other.SinkhornLevels is null)
        && SinkhornEpsilon.Equals(other.SinkhornEpsilon)
        && SinkhornIterations == other.SinkhornIterations
        && KMeansInit == other.KMeansInit
        && KMeansSampleSize == other.KMeansSampleSize
        && KMeansIterations == other.KMeansIterations
        && DeadCodeReset == other.DeadCodeReset
        && DeadCodeThreshold.Equals(other.DeadCodeThreshold)
        && CodeUsageDecay.Equals(other.CodeUsageDecay);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Levels, CodebookSize, Quantizer, CosineCodebooks, BalancedAssignment);

    private static void Require(bool condition, string member, string message)
    {
        if (!condition) throw new ArgumentException($"{member} {message}.", member);
    }
}
