using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>What one vector quantizer returns for a batch of inputs r (one row each).</summary>
/// <param name="CodeVectors">The chosen codes e, detached from the graph: the part a residual quantizer subtracts.</param>
/// <param name="Codes">Index of the chosen code per row, int64 [N].</param>
/// <param name="CommitmentLoss">mean ‖r − sg[e]‖²: pulls the encoder towards its codes.</param>
/// <param name="CodebookLoss">mean ‖sg[r] − e‖²: pulls the codes towards the inputs (zero for EMA codebooks).</param>
public readonly record struct QuantizerOutput(Tensor CodeVectors, Tensor Codes, Tensor CommitmentLoss, Tensor CodebookLoss);
