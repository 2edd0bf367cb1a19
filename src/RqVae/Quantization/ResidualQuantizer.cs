using RqVae.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Quantization;

/// <summary>
/// Residual quantization over L levels, each with its own codebook: level 1 quantizes the latent
/// r_1 = z, level l quantizes what the levels before it left, r_l = r_{l−1} − e_{l−1}. The semantic ID
/// is (k_1, …, k_L) and the quantized latent is Σ_l e_l.
/// </summary>
public sealed class ResidualQuantizer : Module<Tensor, ResidualQuantizerOutput>
{
    // Named like the PyTorch module's ModuleList, so a PyTorch state_dict loads as is: keys read "quantizers.0.embeddings.weight".
    private readonly ModuleList<VectorQuantizer> quantizers;

    /// <summary>
    /// Creates the residual quantizer <paramref name="options"/> describe (validated first): <see cref="QuantizerOptions.Levels"/>
    /// codebooks of <see cref="QuantizerOptions.CodebookSize"/> codes of dimension <paramref name="codeDimension"/>, each
    /// of the chosen kind, cosine or not, balanced on <see cref="QuantizerOptions.BalancedLevels"/>. Initial codes are
    /// N(0, 1) from torch's process-wide generator, level 1 first.
    /// </summary>
    /// <param name="options">The quantizer's settings.</param>
    /// <param name="codeDimension">D, the width of the latent.</param>
    /// <param name="warning">Receives the fallback warnings of balanced levels; may be null.</param>
    public ResidualQuantizer(QuantizerOptions options, int codeDimension, Action<string>? warning = null)
        : this(CreateLevels(options, codeDimension, warning), options.GradientEstimator)
    {
    }

    /// <summary>Creates a residual quantizer from one vector quantizer per level.</summary>
    /// <param name="levels">The levels, level 1 first; at least one.</param>
    /// <param name="gradientEstimator">How the gradient crosses the quantizer in <see cref="forward"/>.</param>
    public ResidualQuantizer(IEnumerable<VectorQuantizer> levels, GradientEstimator gradientEstimator = GradientEstimator.StraightThrough) : base(nameof(ResidualQuantizer))
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (!Enum.IsDefined(gradientEstimator)) throw new ArgumentOutOfRangeException(nameof(gradientEstimator), gradientEstimator, "Not a known gradient estimator.");
        GradientEstimator = gradientEstimator;
        quantizers = new ModuleList<VectorQuantizer>(levels.ToArray());
        if (quantizers.Count == 0) throw new ArgumentException("A residual quantizer needs at least one level.", nameof(levels));
        RegisterComponents();
    }

    private static VectorQuantizer[] CreateLevels(QuantizerOptions options, int codeDimension, Action<string>? warning)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(codeDimension, 1);
        var balanced = options.BalancedLevels;
        return Enumerable.Range(0, options.Levels).Select(l =>
        {
            var balancing = balanced.Contains(l) ? new SinkhornAssignment(options.SinkhornEpsilon, options.SinkhornIterations, warning) : null;
            return options.Quantizer == QuantizerKind.Ema
                ? new EmaVectorQuantizer(options.CodebookSize, codeDimension, options.EmaDecay, options.EmaEpsilon, options.CosineCodebooks, balancing)
                : new VectorQuantizer(options.CodebookSize, codeDimension, options.CosineCodebooks, balancing);
        }).ToArray();
    }

    /// <summary>The quantizer of each level, level 1 first.</summary>
    public IReadOnlyList<VectorQuantizer> Levels => new System.Collections.ObjectModel.ReadOnlyCollection<VectorQuantizer>(quantizers);

    /// <summary>L, the number of levels.</summary>
    public int LevelCount => quantizers.Count;

    /// <summary>How the gradient crosses the quantizer in <see cref="forward"/>.</summary>
    public GradientEstimator GradientEstimator { get; }

    /// <inheritdoc />
    public override ResidualQuantizerOutput forward(Tensor latent)
    {
        var residual = latent;
        Tensor? codeSum = null;
        Tensor? commitment = null;
        Tensor? codebook = null;
        var codes = new Tensor[quantizers.Count];
        for (var l = 0; l < quantizers.Count; l++)
        {
            var level = quantizers[l].forward(residual);
            codes[l] = level.Codes;
            codeSum = codeSum is null ? level.CodeVectors : codeSum.add(level.CodeVectors, Scalars.One);
            commitment = commitment is null ? level.CommitmentLoss : commitment.add(level.CommitmentLoss, Scalars.One);
            codebook = codebook is null ? level.CodebookLoss : codebook.add(level.CodebookLoss, Scalars.One);
            residual = residual - level.CodeVectors;
        }
        // One estimator over the whole sum: value Σ e_l; straight-through passes ∂/∂z unchanged.
        var quantized = GradientEstimator == GradientEstimator.RotationTrick
            ? RotationTrick.Apply(latent, codeSum!)
            : latent.add((codeSum! - latent).detach(), Scalars.One);
        return new ResidualQuantizerOutput(quantized, stack(codes, 1), commitment!, codebook!);
    }

    /// <summary>
    /// The semantic IDs of <paramref name="latent"/> by greedy assignment (balanced on levels that use Sinkhorn),
    /// int64 [N, L], without building any autograd graph.
    /// </summary>
    public Tensor Encode(Tensor latent) => Encode(latent, beamWidth: 1);

    /// <summary>
    /// The semantic IDs of <paramref name="latent"/>, int64 [N, L]: greedy (balanced on levels that use
    /// Sinkhorn) when <paramref name="beamWidth"/> is 1, else by <see cref="ResidualBeamSearch"/>.
    /// </summary>
    public Tensor Encode(Tensor latent, int beamWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(beamWidth, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (beamWidth > 1)
            return ResidualBeamSearch.Encode(latent, quantizers.Select(q => q.EffectiveCodebook()).ToArray(), beamWidth).MoveToOuterDisposeScope();
        var residual = latent;
        var codes = new Tensor[quantizers.Count];
        for (var l = 0; l < quantizers.Count; l++)
        {
            codes[l] = quantizers[l].AssignCodes(residual);
            residual = residual - quantizers[l].CodeVectorsOf(codes[l]);
        }
        return stack(codes, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The code vector of each ID, Σ_l codebook_l[id_l]: [N, L] → [N, D].</summary>
    public Tensor Decode(Tensor codes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? sum = null;
        for (var l = 0; l < quantizers.Count; l++)
        {
            var part = quantizers[l].CodeVectorsOf(codes.select(1, l));
            sum = sum is null ? part : sum.add_(part, Scalars.One);
        }
        return sum!.MoveToOuterDisposeScope();
    }
}
