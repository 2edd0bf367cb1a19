using RqVae.Platform;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Quantization;

/// <summary>
/// One codebook of K codes of dimension D. Each input row is assigned the code nearest by squared
/// Euclidean distance; the layer reports the commitment loss (gradient to the input only) and the
/// codebook loss (gradient to the codes only). The straight-through estimator is applied once, by the
/// residual quantizer, over the sum of all levels: applying it per level, as the reference pseudo-code's
/// <c>MultiQuantizer</c> does, multiplies the encoder's gradient by the number of levels.
/// </summary>
public class VectorQuantizer : Module<Tensor, QuantizerOutput>
{
    // Named like the PyTorch module's field so the state_dict key is "…embeddings.weight".
    private readonly Embedding embeddings;

    /// <summary>Creates a codebook with PyTorch's default N(0, 1) initialisation of <c>nn.Embedding</c>.</summary>
    /// <param name="codebookSize">K.</param>
    /// <param name="codeDimension">D.</param>
    /// <param name="cosine">Use the codes L2-normalised (see <see cref="Cosine"/>).</param>
    /// <param name="balancing">Balanced assignment of whole batches (see <see cref="Balancing"/>); null for nearest-code.</param>
    public VectorQuantizer(int codebookSize, int codeDimension, bool cosine = false, SinkhornAssignment? balancing = null)
        : this(codebookSize, codeDimension, cosine, balancing, nameof(VectorQuantizer))
    {
    }

    /// <summary>Creates a codebook under the module name <paramref name="name"/> (for subclasses).</summary>
    protected VectorQuantizer(int codebookSize, int codeDimension, bool cosine, SinkhornAssignment? balancing, string name) : base(name)
    {
        CodebookSize = codebookSize;
        CodeDimension = codeDimension;
        Cosine = cosine;
        Balancing = balancing;
        embeddings = Embedding(codebookSize, codeDimension);
        RegisterComponents();
    }

    /// <summary>K, the number of codes.</summary>
    public int CodebookSize { get; }

    /// <summary>D, the dimension of each code.</summary>
    public int CodeDimension { get; }

    /// <summary>The codebook, [K, D]; a parameter of the module (not a copy).</summary>
    public Tensor Codebook => embeddings.weight!;

    /// <summary>
    /// Cosine codebook: codes are used L2-normalised (assignment by cosine similarity, lookups and sums of
    /// unit vectors), so no code can win or lose by its length alone. Off by default.
    /// </summary>
    public bool Cosine { get; }

    /// <summary>Balanced (Sinkhorn–Knopp) assignment of whole batches instead of nearest-code assignment; null (default) for nearest.</summary>
    public SinkhornAssignment? Balancing { get; }

    /// <summary>The code vectors as used, [K, D]: the codebook itself, or its rows L2-normalised for a cosine codebook. No gradient.</summary>
    public Tensor EffectiveCodebook()
    {
        var codebook = Codebook.detach();
        return Cosine ? functional.normalize(codebook, p: 2, dim: 1) : codebook;
    }

    /// <summary>The code vectors of <paramref name="codes"/> [N] as used, [N, D], without gradient.</summary>
    public Tensor CodeVectorsOf(Tensor codes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return EffectiveCodebook().index_select(0, codes).MoveToOuterDisposeScope();
    }

    /// <summary>The code of each row: balanced over the batch when <see cref="Balancing"/> is set, else the nearest.</summary>
    public Tensor AssignCodes(Tensor inputs)
    {
        if (Balancing is null) return NearestCodes(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Balancing.Assign(SquaredDistances(inputs)).MoveToOuterDisposeScope();
    }

    /// <summary>Overwrites codes <paramref name="codes"/> [M] with <paramref name="vectors"/> [M, D] (dead-code reset), outside autograd.</summary>
    public virtual void ReseedCodes(Tensor codes, Tensor vectors)
    {
        using var noGrad = no_grad();
        Codebook.index_copy_(0, codes, vectors.to(Codebook.dtype));
    }

    /// <summary>
    /// Squared Euclidean distances [N, K] from each row of <paramref name="inputs"/> to each code,
    /// computed as ‖e‖² − 2 r·e + ‖r‖² with one matrix product instead of <c>cdist</c>.
    /// </summary>
    public Tensor SquaredDistances(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var codebook = EffectiveCodebook();
        // A cosine codebook compares directions: unit inputs against unit codes, so the distance is 2 − 2 cos.
        var x = Cosine ? functional.normalize(inputs.detach(), p: 2, dim: 1) : inputs.detach();
        var codeNorms = codebook.pow(Scalars.Two).sum(1);
        var inputNorms = x.pow(Scalars.Two).sum(1, keepdim: true);
        var distances = addmm(codeNorms.unsqueeze(0), x, codebook.t(), beta: 1, alpha: -2).add_(inputNorms, Scalars.One);
        return distances.MoveToOuterDisposeScope();
    }

    /// <summary>Index of the nearest code per row (ties go to the lowest index), int64 [N].</summary>
    public virtual Tensor NearestCodes(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return SquaredDistances(inputs).argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>Looks up codes by index: [N] → [N, D], with gradient to the codebook.</summary>
    public Tensor Lookup(Tensor codes) => Cosine ? functional.normalize(embeddings.forward(codes), p: 2, dim: 1) : embeddings.forward(codes);

    /// <summary>Quantizes <paramref name="inputs"/> [N, D] to their nearest codes.</summary>
    public override QuantizerOutput forward(Tensor inputs)
    {
        var codes = AssignCodes(inputs);
        return Quantize(inputs, codes);
    }

    /// <summary>The losses and detached code vectors for a given assignment of codes.</summary>
    public virtual QuantizerOutput Quantize(Tensor inputs, Tensor codes)
    {
        var chosen = Lookup(codes);
        var commitment = functional.mse_loss(inputs, chosen.detach());
        var codebookLoss = functional.mse_loss(chosen, inputs.detach());
        return new QuantizerOutput(chosen.detach(), codes, commitment, codebookLoss);
    }

    /// <summary>Replaces the codebook with <paramref name="codes"/> [K, D] (e.g. k-means centroids).</summary>
    public virtual void SetCodebook(Tensor codes)
    {
        using var noGrad = no_grad();
        Codebook.copy_(codes);
    }
}
