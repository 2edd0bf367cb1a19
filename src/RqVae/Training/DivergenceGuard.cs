using RqVae.Model;
using static TorchSharp.torch;

namespace RqVae.Training;

/// <summary>Stops a run the moment a number it depends on stops being finite, before that number reaches the weights.</summary>
internal static class DivergenceGuard
{
    /// <summary>Throws when a loss term of step <paramref name="step"/> is NaN or infinite; the individual terms are named before the total.</summary>
    public static void EnsureFinite(LossTerms loss, long step)
    {
        if (!double.IsFinite(loss.Reconstruction)) throw new TrainingDivergedException(step, "reconstruction loss", loss.Reconstruction);
        if (!double.IsFinite(loss.Commitment)) throw new TrainingDivergedException(step, "commitment loss", loss.Commitment);
        if (!double.IsFinite(loss.Codebook)) throw new TrainingDivergedException(step, "codebook loss", loss.Codebook);
        if (!double.IsFinite(loss.Total)) throw new TrainingDivergedException(step, "total loss", loss.Total);
    }

    /// <summary>Throws when the joint gradient norm of step <paramref name="step"/> is NaN or infinite (clipping would turn it into NaN weights).</summary>
    public static void EnsureFiniteGradientNorm(double norm, long step)
    {
        if (!double.IsFinite(norm)) throw new TrainingDivergedException(step, "gradient norm", norm);
    }

    /// <summary>Throws when any weight or buffer of <paramref name="module"/> holds a NaN or infinity.</summary>
    public static void EnsureFiniteWeights(RqVaeModule module, long step)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict())
        {
            if (!tensor.is_floating_point()) continue;
            if (!isfinite(tensor).all().item<bool>())
                throw new TrainingDivergedException(step, $"weight {name}", double.NaN);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first non-finite feature value: training on it could only diverge.</summary>
    public static void EnsureFiniteFeatures(ReadOnlySpan<float> features, int dimension)
    {
        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
                throw new ArgumentException($"Feature value at row {i / dimension}, column {i % dimension} (0-based) is {features[i]}; features must be finite numbers. Clean or drop that row.", nameof(features));
        }
    }
}
