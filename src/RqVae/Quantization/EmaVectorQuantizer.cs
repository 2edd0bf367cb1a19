using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Quantization;

/// <summary>
/// A vector quantizer whose codebook follows exponential moving averages of the inputs assigned to
/// each code (van den Oord et al. 2017, appendix; VQ-VAE-2), instead of a gradient. In training mode each
/// forward pass updates, for decay γ and ε-Laplace smoothing:
/// <code>
/// N_k ← γ N_k + (1 − γ) n_k          m_k ← γ m_k + (1 − γ) Σ_{i: k(i)=k} r_i
/// Ñ_k = (N_k + ε) / (ΣN + K ε) · ΣN   e_k = m_k / Ñ_k
/// </code>
/// Unlike the reference pseudo-code, the returned code vectors and the commitment loss use the
/// codebook after the update, and the codebook is not a trainable parameter (so no optimizer, weight
/// decay included, ever touches it). The codebook loss is zero.
/// </summary>
public sealed class EmaVectorQuantizer : VectorQuantizer
{
    private readonly Tensor cluster_size;
    private readonly Tensor embed_avg;

    /// <summary>Creates an EMA codebook; the averages start at the initial codes with zero counts, as in the reference pseudo-code.</summary>
    /// <param name="codebookSize">K.</param>
    /// <param name="codeDimension">D.</param>
    /// <param name="decay">γ, in (0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="cosine">Use the codes L2-normalised (see <see cref="VectorQuantizer.Cosine"/>).</param>
    /// <param name="balancing">Balanced assignment of whole batches; null for nearest-code.</param>
    public EmaVectorQuantizer(int codebookSize, int codeDimension, double decay, double epsilon, bool cosine = false, SinkhornAssignment? balancing = null)
        : base(codebookSize, codeDimension, cosine, balancing, nameof(EmaVectorQuantizer))
    {
        Decay = decay;
        Epsilon = epsilon;
        Codebook.requires_grad_(false);
        cluster_size = zeros(codebookSize);
        embed_avg = Codebook.detach().clone();
        register_buffer(nameof(cluster_size), cluster_size);
        register_buffer(nameof(embed_avg), embed_avg);
    }

    /// <summary>γ, the decay of the moving averages.</summary>
    public double Decay { get; }

    /// <summary>ε, the Laplace smoothing of the cluster sizes.</summary>
    public double Epsilon { get; }

    /// <summary>The moving-average count of inputs per code, N_k.</summary>
    public Tensor ClusterSize => cluster_size;

    /// <summary>The moving-average sum of inputs per code, m_k.</summary>
    public Tensor EmbedAverage => embed_avg;

    /// <inheritdoc />
    public override QuantizerOutput Quantize(Tensor inputs, Tensor codes)
    {
        if (training)
        {
            Update(inputs, codes);
        }
        var chosen = Lookup(codes).detach();
        var commitment = functional.mse_loss(inputs, chosen);
        return new QuantizerOutput(chosen, codes, commitment, zeros(Array.Empty<long>(), dtype: inputs.dtype));
    }

    /// <summary>Zero counts and averages equal to the current codes: the state a new EMA quantizer starts in.</summary>
    public void RestartAveragesFromCodebook()
    {
        using var noGrad = no_grad();
        cluster_size.zero_();
        embed_avg.copy_(Codebook);
    }

    /// <summary>One moving-average step with the given assignment; called by <see cref="Quantize"/> in training mode.</summary>
    public void Update(Tensor inputs, Tensor codes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var onehot = functional.one_hot(codes, CodebookSize).to(inputs.dtype);
        using var decay = Decay.ToScalar();
        using var rest = (1 - Decay).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var codebookEpsilon = (CodebookSize * Epsilon).ToScalar();
        cluster_size.mul_(decay).add_(onehot.sum(0L), alpha: rest);
        embed_avg.mul_(decay).add_(onehot.t().matmul(inputs.detach()), alpha: rest);
        var n = cluster_size.sum();
        var smoothed = cluster_size.add(epsilon, Scalars.One).div(n.add(codebookEpsilon, Scalars.One)).mul(n);
        Codebook.copy_(embed_avg.div(smoothed.unsqueeze(1)));
    }

    /// <summary>
    /// Replaces the codebook and restarts the averages from it, as if each code had been seen
    /// <paramref name="clusterSizes"/> times ([K]; ones when null).
    /// </summary>
    public void SetCodebook(Tensor codes, Tensor? clusterSizes)
    {
        using var noGrad = no_grad();
        Codebook.copy_(codes);
        using var one = 1.0.ToScalar();
        if (clusterSizes is null) cluster_size.fill_(one);
        else cluster_size.copy_(clusterSizes);
        embed_avg.copy_(codes.mul(cluster_size.unsqueeze(1)));
    }

    /// <inheritdoc />
    public override void SetCodebook(Tensor codes) => SetCodebook(codes, null);

    /// <summary>Re-seeds codes and restarts their averages as if each had been seen the mean count of the live codes.</summary>
    public override void ReseedCodes(Tensor codes, Tensor vectors)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        base.ReseedCodes(codes, vectors);
        using var size = Math.Max(cluster_size.mean().item<float>(), Epsilon).ToScalar();
        cluster_size.index_fill_(0, codes, size);
        embed_avg.index_copy_(0, codes, vectors.to(embed_avg.dtype).mul(size));
    }
}
