using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>
/// The rotation trick (Fifty et al., "Restructuring Vector Quantization with the Rotation Trick", 2024,
/// arXiv 2410.06424). The quantized vector q is written as q = λ R z, where R is the rotation taking the
/// direction of z to the direction of q and λ = ‖q‖ / ‖z‖, both treated as constants. The forward value
/// is q; the gradient reaching z is the decoder's gradient rotated back by Rᵀ and scaled by λ, instead of
/// being copied unchanged as straight-through does.
/// </summary>
public static class RotationTrick
{
    private const double Tiny = 1e-12;

    /// <summary>λ R z in value equal to <paramref name="quantized"/>, with gradient to <paramref name="latent"/> only.</summary>
    /// <param name="latent">z, [N, D], part of the graph.</param>
    /// <param name="quantized">q, [N, D]; its gradient is not needed (it is detached).</param>
    public static Tensor Apply(Tensor latent, Tensor quantized)
    {
        var q = quantized.detach();
        using var tiny = Tiny.ToScalar();
        var zNorm = latent.detach().norm(1, keepdim: true).clamp_min(tiny);
        var qNorm = q.norm(1, keepdim: true).clamp_min(tiny);
        var zHat = latent.detach() / zNorm;
        var qHat = q / qNorm;
        var sum = zHat.add(qHat, Scalars.One);
        var r = sum / sum.norm(1, keepdim: true).clamp_min(tiny);
        // R z = z − 2 (z·r) r + 2 (z·ẑ) q̂, computed without forming the D×D matrix R.
        var rotated = (latent - (latent * r).sum(1, keepdim: true).mul(Scalars.Two) * r)
            .add((latent * zHat).sum(1, keepdim: true).mul(Scalars.Two) * qHat, Scalars.One);
        var scaled = rotated * (qNorm / zNorm);
        // Rounding (and the degenerate z = −q case) can leave λRz a hair off q: correct the value, keep the gradient.
        return scaled.add((q - scaled).detach(), Scalars.One);
    }
}
