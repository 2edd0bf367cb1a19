using System.Text.Json.Serialization;
using RqVae.Quantization;

namespace RqVae.Model;

/// <summary>Which vector quantizer each level of the residual quantizer uses.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuantizerKind>))]
public enum QuantizerKind
{
    /// <summary>Codebook learned by gradient through the codebook loss (VQ-VAE).</summary>
    Standard,

    /// <summary>Codebook learned by exponential moving averages of the assigned inputs (VQ-VAE-2); no codebook loss.</summary>
    Ema,
}

/// <summary>
/// The architecture of an RQ-VAE. Defaults follow TIGER (Rajput et al., 2023): encoder
/// input → 512 → 256 → 128 → 32-d latent with ReLU, 3 levels × 256 codes, β = 0.25.
/// Saved with the model as its configuration, so every member must stay serialisable.
/// </summary>
public sealed record RqVaeOptions
{
    /// <summary>Width of the item feature vectors; comes from the data. Required.</summary>
    public int InputDimension { get; init; }

    /// <summary>Hidden layer widths of the encoder; the decoder uses them in reverse. Default 512, 256, 128.</summary>
    public IReadOnlyList<int> HiddenDimensions { get; init; } = [512, 256, 128];

    /// <summary>Width of the latent and of every code. Default 32.</summary>
    public int LatentDimension { get; init; } = 32;

    /// <summary>Number of residual quantization levels, i.e. the length of a semantic ID. Default 3.</summary>
    public int Levels { get; init; } = 3;

    /// <summary>Codes per level (K). Default 256.</summary>
    public int CodebookSize { get; init; } = 256;

    /// <summary>β, the weight of the commitment loss in the total loss. Default 0.25.</summary>
    public double CommitmentWeight { get; init; } = 0.25;

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

    /// <summary>Partial codes kept per item when encoding (beam search); 1 (default) is greedy nearest-code encoding.</summary>
    public int BeamWidth { get; init; } = 1;

    /// <summary>The 0-based levels that use balanced assignment (empty when it is off).</summary>
    [JsonIgnore]
    public IReadOnlyList<int> BalancedLevels => !BalancedAssignment ? [] : SinkhornLevels ?? [Levels - 1];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public RqVaeOptions Validate()
    {
        Require(InputDimension > 0, nameof(InputDimension), $"must be positive (got {InputDimension}); it is the width of the feature vectors");
        Require(HiddenDimensions is not null && HiddenDimensions.All(h => h > 0), nameof(HiddenDimensions), "must be a list of positive widths (it may be empty)");
        Require(LatentDimension > 0, nameof(LatentDimension), $"must be positive (got {LatentDimension})");
        Require(Levels is > 0 and <= 64, nameof(Levels), $"must be in 1..64 (got {Levels})");
        Require(CodebookSize is > 1 and <= 1 << 20, nameof(CodebookSize), $"must be in 2..1048576 (got {CodebookSize})");
        Require(CommitmentWeight >= 0 && double.IsFinite(CommitmentWeight), nameof(CommitmentWeight), $"must be a finite number ≥ 0 (got {CommitmentWeight})");
        Require(Enum.IsDefined(Quantizer), nameof(Quantizer), $"is not a known quantizer kind ({Quantizer})");
        Require(EmaDecay is > 0 and < 1, nameof(EmaDecay), $"must be in (0, 1) (got {EmaDecay})");
        Require(EmaEpsilon > 0 && double.IsFinite(EmaEpsilon), nameof(EmaEpsilon), $"must be a finite number > 0 (got {EmaEpsilon})");
        Require(Enum.IsDefined(GradientEstimator), nameof(GradientEstimator), $"is not a known gradient estimator ({GradientEstimator})");
        Require(SinkhornLevels is null || (SinkhornLevels.Count > 0 && SinkhornLevels.All(l => l >= 0 && l < Levels)), nameof(SinkhornLevels),
            $"must list 0-based levels in 0..{Levels - 1} (or be null for the last level)");
        Require(SinkhornEpsilon > 0 && double.IsFinite(SinkhornEpsilon), nameof(SinkhornEpsilon), $"must be a finite number > 0 (got {SinkhornEpsilon})");
        Require(SinkhornIterations is >= 1 and <= 10_000, nameof(SinkhornIterations), $"must be in 1..10000 (got {SinkhornIterations})");
        Require(BeamWidth is >= 1 and <= 1024, nameof(BeamWidth), $"must be in 1..1024 (got {BeamWidth})");
        Require(BeamWidth == 1 || !BalancedAssignment, nameof(BeamWidth),
            "must be 1 when BalancedAssignment is on: a beam ranks codes by error alone, which would undo the balancing");
        return this;
    }

    /// <summary>Structural equality that compares the hidden widths element by element.</summary>
    public bool Equals(RqVaeOptions? other) =>
        other is not null
        && InputDimension == other.InputDimension
        && HiddenDimensions.SequenceEqual(other.HiddenDimensions)
        && LatentDimension == other.LatentDimension
        && Levels == other.Levels
        && CodebookSize == other.CodebookSize
        && CommitmentWeight.Equals(other.CommitmentWeight)
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
        && BeamWidth == other.BeamWidth;

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(InputDimension, HiddenDimensions.Count, LatentDimension, Levels, CodebookSize, Quantizer);

    internal static void Require(bool condition, string member, string message)
    {
        if (!condition) throw new ArgumentException($"{member} {message}.", member);
    }
}
