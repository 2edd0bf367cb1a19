using RqVae.Quantization;

namespace RqVae.Model;

/// <summary>Switches on, in a residual quantizer, the quality options of <see cref="RqVaeOptions"/> (cosine codebooks, balanced levels, gradient estimator).</summary>
public static class QuantizerConfiguration
{
    /// <summary>Configures <paramref name="quantizer"/> as <paramref name="options"/> say.</summary>
    public static void Apply(ResidualQuantizer quantizer, RqVaeOptions options)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(options);
        quantizer.GradientEstimator = options.GradientEstimator;
        var balanced = options.BalancedLevels;
        for (var l = 0; l < quantizer.LevelCount; l++)
        {
            var level = quantizer.Levels[l];
            level.Cosine = options.CosineCodebooks;
            level.Balancing = balanced.Contains(l) ? new SinkhornAssignment(options.SinkhornEpsilon, options.SinkhornIterations) : null;
        }
    }

    /// <summary>Sends the fallback warnings of every balanced level of <paramref name="quantizer"/> to <paramref name="warning"/>.</summary>
    public static void RouteWarnings(ResidualQuantizer quantizer, Action<string>? warning)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        foreach (var level in quantizer.Levels)
            if (level.Balancing is not null) level.Balancing.Warning = warning;
    }
}
