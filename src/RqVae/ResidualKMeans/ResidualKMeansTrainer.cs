using RqVae.Quantization;
using static TorchSharp.torch;

namespace RqVae.ResidualKMeans;

/// <summary>Fits a <see cref="ResidualKMeansTokenizer"/>: k-means (progressive over principal dimensions by default) on the inputs, then on the residuals, level by level.</summary>
public sealed class ResidualKMeansTrainer
{
    /// <summary>Creates a trainer; the options are validated now.</summary>
    public ResidualKMeansTrainer(ResidualKMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
    }

    /// <summary>The options every run uses.</summary>
    public ResidualKMeansOptions Options { get; }

    /// <summary>Fits the codebooks to <paramref name="features"/> (row-major, <paramref name="dimension"/> values per item).</summary>
    /// <param name="features">The items' feature vectors; must be finite.</param>
    /// <param name="dimension">Values per item.</param>
    /// <param name="progress">Told the number of levels fitted so far.</param>
    /// <param name="cancellationToken">Checked between levels.</param>
    public ResidualKMeansTokenizer Fit(float[] features, int dimension, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (features.Length == 0 || features.Length % dimension != 0)
            throw new ArgumentException($"Expected a non-empty row-major matrix with {dimension} values per row, got {features.Length} values.", nameof(features));
        for (var i = 0; i < features.Length; i++)
            if (!float.IsFinite(features[i]))
                throw new ArgumentException($"Feature value at row {i / dimension}, column {i % dimension} is {features[i]}; residual k-means needs finite features.", nameof(features));
        if (Options.Threads > 0) set_num_threads(Options.Threads);
        var rows = features.Length / dimension;
        using var generator = new Generator((ulong)Options.Seed);
        // Created outside the dispose scope below, which would otherwise free their parameters with the temporaries.
        var levels = Enumerable.Range(0, Options.Levels).Select(_ => new VectorQuantizer(Options.CodebookSize, dimension)).ToArray();
        try
        {
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                // A copy, not a view of the caller's array (from_array): libtorch aligns its buffers to 64 bytes, and MKL's strict
                // AVX2 mode (the portable numerics) gives other bits on a managed array's alignment; the view changed the portable hashes.
                var data = tensor(features, [rows, dimension]);
                var sample = ResidualKMeansFit.Sample(data, Options.KMeansSampleSize, generator);
                var fits = ResidualKMeansFit.Fit(sample, Options.Levels, Options.CodebookSize, Options.KMeansIterations, Options.ProgressiveDimensionSteps, generator,
                    progress is null ? null : progress.Report, cancellationToken);
                for (var l = 0; l < levels.Length; l++) levels[l].SetCodebook(fits[l].Centroids);
            }
            return new ResidualKMeansTokenizer(new ResidualQuantizer(levels), Options);
        }
        catch
        {
            foreach (var level in levels) level.Dispose();
            throw;
        }
    }
}
