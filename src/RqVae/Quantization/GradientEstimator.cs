using System.Text.Json.Serialization;

namespace RqVae.Quantization;

/// <summary>How the gradient of the decoder's input reaches the encoder across the non-differentiable quantizer.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GradientEstimator>))]
public enum GradientEstimator
{
    /// <summary>Straight-through (van den Oord et al. 2017): the gradient of Σ e_l is copied to z unchanged.</summary>
    StraightThrough,

    /// <summary>
    /// The rotation trick (Fifty et al. 2024, arXiv 2410.06424): z is carried to Σ e_l by a rotation and a
    /// rescaling treated as constants, so the gradient is rotated with it and tells the encoder how the
    /// angle and length of z relate to its code.
    /// </summary>
    RotationTrick,
}
