using RqVae.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Modules;

/// <summary>
/// Draws a module's initial weights from a given generator, with PyTorch's default distributions:
/// <c>nn.Linear</c> weight and bias U(−1/√fan_in, 1/√fan_in) (what kaiming_uniform with a = √5 gives),
/// <c>nn.Embedding</c> N(0, 1). TorchSharp's constructors draw from torch's process-wide generator, so
/// two trainings running at once in one process would otherwise interleave their draws and lose
/// reproducibility; drawing from the run's own generator keeps every run independent.
/// </summary>
public static class ParameterInitialization
{
    /// <summary>Re-draws every Linear and Embedding parameter of <paramref name="module"/> from <paramref name="generator"/>, in module order.</summary>
    public static void Reset(nn.Module module, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(generator);
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear linear:
                    var bound = 1.0 / Math.Sqrt(linear.weight!.shape[1]);
                    linear.weight.uniform_(-bound, bound, generator);
                    linear.bias?.uniform_(-bound, bound, generator);
                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0, 1, generator);
                    break;
            }
        }
        // EMA statistics start from the codebook, so they follow the re-drawn codes.
        foreach (var (_, child) in module.named_modules())
            if (child is EmaVectorQuantizer ema) ema.RestartAveragesFromCodebook();
    }
}
