using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Quantization;

/// <summary>
/// One codebook of K codes of dimension D. Each input row is assigned the code nearest by squared
/// Euclidean distance; the layer reports the commitment loss (gradient to the input only) and the
/// codebook loss (gradient to the codes only). The straight-through estimator is applied once, by the
/// residual quantizer, over the sum of all levels: applying it per level, as the specification's
/// <c>MultiQuantizer</c> does, multiplies the encoder's gradient by the number of levels.
/// </summary>
public class VectorQuantizer : Module<Tensor, QuantizerOutput>
{
    // Named like the specification's PyTorch field so the state_dict key is "…embeddings.weight".
    private readonly Embedding embeddings;

    /// <summary>Creates a codebook with PyTorch's default N(0, 1) initialisation of <c>nn.Embedding</c>.</summary>
    public VectorQuantizer(int codebookSize, int codeDimension, string name = nameof(VectorQuantizer)) : base(name)
    {
        CodebookSize = codebookSize;
        CodeDimension = codeDimension;
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
    /// Squared Euclidean distances [N, K] from each row of <paramref name="inputs"/> to each code,
    /// computed as ‖e‖² − 2 r·e + ‖r‖² with one matrix product instead of <c>cdist</c>.
    /// </summary>
    public Tensor SquaredDistances(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var codebook = Codebook.detach();
        var codeNorms = codebook.pow(2).sum(1);
        var inputNorms = inputs.detach().pow(2).sum(1, keepdim: true);
        var distances = addmm(codeNorms.unsqueeze(0), inputs.detach(), codebook.t(), beta: 1, alpha: -2).add_(inputNorms);
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
    public Tensor Lookup(Tensor codes) => embeddings.forward(codes);

    /// <summary>Quantizes <paramref name="inputs"/> [N, D] to their nearest codes.</summary>
    public override QuantizerOutput forward(Tensor inputs)
    {
        var codes = NearestCodes(inputs);
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
