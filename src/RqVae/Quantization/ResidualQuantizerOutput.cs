using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>What the residual quantizer returns for a batch of latents z.</summary>
/// <param name="Quantized">Σ_l e_l in value, with the straight-through gradient to z: the decoder's input.</param>
/// <param name="Codes">The semantic IDs, int64 [N, L].</param>
/// <param name="CommitmentLoss">Σ_l mean ‖r_l − sg[e_l]‖².</param>
/// <param name="CodebookLoss">Σ_l mean ‖sg[r_l] − e_l‖².</param>
public readonly record struct ResidualQuantizerOutput(Tensor Quantized, Tensor Codes, Tensor CommitmentLoss, Tensor CodebookLoss);
