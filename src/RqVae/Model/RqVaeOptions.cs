using RqVae.Quantization;

namespace RqVae.Model;

/// <summary>
/// The architecture of an RQ-VAE. Defaults follow TIGER (Rajput et al., 2023): encoder
/// input → 512 → 256 → 128 → 32-d latent with ReLU, 3 levels × 256 codes, β = 0.25.
/// Saved with the model as its configuration, in the flat layout of <see cref="RqVaeModelSection"/>.
/// </summary>
public sealed record RqVaeOptions
{
    /// <summary>Width of the item feature vectors; comes from the data. Required.</summary>
    public int InputDimension { get; init; }

    /// <summary>Hidden layer widths of the encoder; the decoder uses them in reverse. Default 512, 256, 128.</summary>
    public IReadOnlyList<int> HiddenDimensions { get; init; } = [512, 256, 128];

    /// <summary>Width of the latent and of every code. Default 32.</summary>
    public int LatentDimension { get; init; } = 32;

    /// <summary>β, the weight of the commitment loss in the total loss. Default 0.25.</summary>
    public double CommitmentWeight { get; init; } = 0.25;

    /// <summary>The residual quantizer between encoder and decoder: levels, codes, codebook kind, assignment, initialisation, dead-code reset.</summary>
    public QuantizerOptions Quantization { get; init; } = new();

    /// <summary>Partial codes kept per item when encoding (beam search); 1 (default) is greedy nearest-code encoding.</summary>
    public int BeamWidth { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public RqVaeOptions Validate()
    {
        Require(InputDimension > 0, nameof(InputDimension), $"must be positive (got {InputDimension}); it is the width of the feature vectors");
        Require(HiddenDimensions is not null && HiddenDimensions.All(h => h > 0), nameof(HiddenDimensions), "must be a list of positive widths (it may be empty)");
        Require(LatentDimension > 0, nameof(LatentDimension), $"must be positive (got {LatentDimension})");
        Require(CommitmentWeight >= 0 && double.IsFinite(CommitmentWeight), nameof(CommitmentWeight), $"must be a finite number ≥ 0 (got {CommitmentWeight})");
        ArgumentNullException.ThrowIfNull(Quantization, nameof(Quantization));
        Quantization.Validate();
        Require(BeamWidth is >= 1 and <= 1024, nameof(BeamWidth), $"must be in 1..1024 (got {BeamWidth})");
        Require(BeamWidth == 1 || !Quantization.BalancedAssignment, nameof(BeamWidth),
            "must be 1 when BalancedAssignment is on: a beam ranks codes by error alone, which would undo the balancing");
        return this;
    }

    /// <summary>Structural equality that compares the hidden widths element by element.</summary>
    public bool Equals(RqVaeOptions? other) =>
        other is not null
        && InputDimension == other.InputDimension
        && HiddenDimensions.SequenceEqual(other.HiddenDimensions)
        && LatentDimension == other.LatentDimension
        && CommitmentWeight.Equals(other.CommitmentWeight)
        && Equals(Quantization, other.Quantization)
        && BeamWidth == other.BeamWidth;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(InputDimension, HiddenDimensions.Count, LatentDimension, Quantization);

    internal static void Require(bool condition, string member, string message)
    {
        if (!condition) throw new ArgumentException($"{member} {message}.", member);
    }
}
