using RqVae.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// T5's layer norm: scales by the root mean square of the features (no mean subtraction, no bias),
/// <c>x · w / sqrt(mean(x²) + ε)</c>. Written by hand because TorchSharp 0.107 has no RMSNorm module.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double epsilon;

    // PyTorch name: "weight".
    private readonly Parameter weight;

    public RmsNorm(long dimension, double epsilon = 1e-6) : base(nameof(RmsNorm))
    {
        this.epsilon = epsilon;
        weight = new Parameter(ones(dimension));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var epsilonScalar = epsilon.ToScalar();
        var variance = input.pow(Scalars.Two).mean([-1L], keepdim: true);
        return (input * rsqrt(variance.add(epsilonScalar, Scalars.One)) * weight).MoveToOuterDisposeScope();
    }
}
