using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>
/// Residual k-means, the one routine both tokenizers use: k-means on the points for level 1, then on what
/// level 1 leaves (each point minus its nearest centroid) for level 2, and so on. The RQ-VAE runs it on a
/// sample of latents to initialise its codebooks; residual k-means runs it on the features and is done.
/// </summary>
public static class ResidualKMeansFit
{
    /// <summary>
    /// <paramref name="sampleSize"/> rows of <paramref name="data"/> [N, D] drawn without replacement by one
    /// <c>randperm</c> of <paramref name="generator"/>, or <paramref name="data"/> itself (no draw) when it has no more rows.
    /// </summary>
    public static Tensor Sample(Tensor data, int sampleSize, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        var rows = data.shape[0];
        return sampleSize >= rows ? data : data.index_select(0, randperm(rows, generator: generator).narrow(0, 0, sampleSize));
    }

    /// <summary>
    /// Fits <paramref name="levels"/> codebooks of <paramref name="codebookSize"/> centroids to <paramref name="points"/>
    /// [N, D], level by level on the residuals; returns each level's centroids and final counts, level 1 first. The
    /// tensors belong to the caller's dispose scope; call under <c>no_grad</c>.
    /// </summary>
    /// <param name="points">The points level 1 clusters.</param>
    /// <param name="levels">L ≥ 1.</param>
    /// <param name="codebookSize">K per level.</param>
    /// <param name="iterations">Lloyd iterations per level (per dimension step when progressive).</param>
    /// <param name="progressiveDimensionSteps">1: k-means++ and Lloyd (<see cref="KMeans.Fit"/>); more: <see cref="KMeans.FitProgressive"/> with that many steps.</param>
    /// <param name="generator">Source of the seeding's randomness, shared by all levels in order.</param>
    /// <param name="levelFitted">Told the number of levels fitted so far, after each level.</param>
    /// <param name="cancellationToken">Checked before each level.</param>
    public static KMeansResult[] Fit(Tensor points, int levels, int codebookSize, int iterations, int progressiveDimensionSteps, Generator generator,
        Action<int>? levelFitted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(progressiveDimensionSteps, 1);
        var results = new KMeansResult[levels];
        var residual = points;
        for (var l = 0; l < levels; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fit = progressiveDimensionSteps > 1
                ? KMeans.FitProgressive(residual, codebookSize, iterations, progressiveDimensionSteps, generator)
                : KMeans.Fit(residual, codebookSize, iterations, generator);
            results[l] = fit;
            residual = residual - fit.Centroids.index_select(0, KMeans.Assign(residual, fit.Centroids));
            levelFitted?.Invoke(l + 1);
        }
        return results;
    }
}
