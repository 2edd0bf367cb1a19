using RqVae.Quantization;

namespace RqVae.Model;

/// <summary>
/// The "model" section of an RQ-VAE's config.json: the architecture, flat, in the layout models have been saved
/// in from the start. It is a file format, so it is mapped to and from <see cref="RqVaeOptions"/> member by member
/// here rather than following that record's shape; the quantizer's training-only settings (k-means initialisation,
/// dead-code reset) are not part of a saved model and load as their defaults.
/// </summary>
public sealed record RqVaeModelSection
{
    /// <summary>See <see cref="RqVaeOptions.InputDimension"/>.</summary>
    public int InputDimension { get; init; }

    /// <summary>See <see cref="RqVaeOptions.HiddenDimensions"/>.</summary>
    public IReadOnlyList<int> HiddenDimensions { get; init; } = [];

    /// <summary>See <see cref="RqVaeOptions.LatentDimension"/>.</summary>
    public int LatentDimension { get; init; }

    /// <summary>See <see cref="QuantizerOptions.Levels"/>.</summary>
    public int Levels { get; init; }

    /// <summary>See <see cref="QuantizerOptions.CodebookSize"/>.</summary>
    public int CodebookSize { get; init; }

    /// <summary>See <see cref="RqVaeOptions.CommitmentWeight"/>.</summary>
    public double CommitmentWeight { get; init; }

    /// <summary>See <see cref="QuantizerOptions.Quantizer"/>.</summary>
    public QuantizerKind Quantizer { get; init; }

    /// <summary>See <see cref="QuantizerOptions.EmaDecay"/>.</summary>
    public double EmaDecay { get; init; }

    /// <summary>See <see cref="QuantizerOptions.EmaEpsilon"/>.</summary>
    public double EmaEpsilon { get; init; }

    /// <summary>See <see cref="QuantizerOptions.CosineCodebooks"/>.</summary>
    public bool CosineCodebooks { get; init; }

    /// <summary>See <see cref="QuantizerOptions.GradientEstimator"/>.</summary>
    public GradientEstimator GradientEstimator { get; init; }

    /// <summary>See <see cref="QuantizerOptions.BalancedAssignment"/>.</summary>
    public bool BalancedAssignment { get; init; }

    /// <summary>See <see cref="QuantizerOptions.SinkhornLevels"/>; absent from the file when null.</summary>
    public IReadOnlyList<int>? SinkhornLevels { get; init; }

    /// <summary>See <see cref="QuantizerOptions.SinkhornEpsilon"/>.</summary>
    public double SinkhornEpsilon { get; init; }

    /// <summary>See <see cref="QuantizerOptions.SinkhornIterations"/>.</summary>
    public int SinkhornIterations { get; init; }

    /// <summary>See <see cref="RqVaeOptions.BeamWidth"/>.</summary>
    public int BeamWidth { get; init; }

    /// <summary>
    /// A section with every member at the default of <see cref="RqVaeOptions"/>: what a member missing from an older
    /// file reads as, because the deserializer starts from this record's own initial values.
    /// </summary>
    public RqVaeModelSection() : this(new RqVaeOptions()) { }

    private RqVaeModelSection(RqVaeOptions options)
    {
        var q = options.Quantization;
        InputDimension = options.InputDimension;
        HiddenDimensions = options.HiddenDimensions;
        LatentDimension = options.LatentDimension;
        Levels = q.Levels;
        CodebookSize = q.CodebookSize;
        CommitmentWeight = options.CommitmentWeight;
        Quantizer = q.Quantizer;
        EmaDecay = q.EmaDecay;
        EmaEpsilon = q.EmaEpsilon;
        CosineCodebooks = q.CosineCodebooks;
        GradientEstimator = q.GradientEstimator;
        BalancedAssignment = q.BalancedAssignment;
        SinkhornLevels = q.SinkhornLevels;
        SinkhornEpsilon = q.SinkhornEpsilon;
        SinkhornIterations = q.SinkhornIterations;
        BeamWidth = options.BeamWidth;
    }

    /// <summary>The section that saves <paramref name="options"/>.</summary>
    public static RqVaeModelSection From(RqVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RqVaeModelSection(options);
    }

    /// <summary>The architecture this section describes (training-only quantizer settings at their defaults); not validated.</summary>
    public RqVaeOptions ToOptions() => new()
    {
        InputDimension = InputDimension,
        HiddenDimensions = HiddenDimensions,
        LatentDimension = LatentDimension,
        CommitmentWeight = CommitmentWeight,
        Quantization = new QuantizerOptions
        {
            Levels = Levels,
            CodebookSize = CodebookSize,
            Quantizer = Quantizer,
            EmaDecay = EmaDecay,
            EmaEpsilon = EmaEpsilon,
            CosineCodebooks = CosineCodebooks,
            GradientEstimator = GradientEstimator,
            BalancedAssignment = BalancedAssignment,
            SinkhornLevels = SinkhornLevels,
            SinkhornEpsilon = SinkhornEpsilon,
            SinkhornIterations = SinkhornIterations,
        },
        BeamWidth = BeamWidth,
    };
}
