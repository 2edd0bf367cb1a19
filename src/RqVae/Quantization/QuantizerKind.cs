using System.Text.Json.Serialization;

namespace RqVae.Quantization;

/// <summary>Which vector quantizer each level of the residual quantizer uses.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<QuantizerKind>))]
public enum QuantizerKind
{
    /// <summary>Codebook learned by gradient through the codebook loss (VQ-VAE).</summary>
    Standard,

    /// <summary>Codebook learned by exponential moving averages of the assigned inputs (VQ-VAE-2); no codebook loss.</summary>
    Ema,
}
