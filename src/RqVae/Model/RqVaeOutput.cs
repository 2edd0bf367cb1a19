using static TorchSharp.torch;

namespace RqVae.Model;

/// <summary>Everything one forward pass of the RQ-VAE produces, each loss term separately.</summary>
/// <param name="Reconstruction">x̂, the decoder's output [N, input].</param>
/// <param name="Latent">z, the encoder's output [N, latent].</param>
/// <param name="Codes">The semantic IDs, int64 [N, L].</param>
/// <param name="ReconstructionLoss">mean ‖x − x̂‖² over all elements.</param>
/// <param name="CommitmentLoss">Σ_l mean ‖r_l − sg[e_l]‖² (before the β weight).</param>
/// <param name="CodebookLoss">Σ_l mean ‖sg[r_l] − e_l‖².</param>
/// <param name="TotalLoss">reconstruction + β·commitment + codebook: what training minimises.</param>
public readonly record struct RqVaeOutput(
    Tensor Reconstruction,
    Tensor Latent,
    Tensor Codes,
    Tensor ReconstructionLoss,
    Tensor CommitmentLoss,
    Tensor CodebookLoss,
    Tensor TotalLoss);
