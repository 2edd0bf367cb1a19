using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>The result of <see cref="KMeans.Fit"/>.</summary>
/// <param name="Centroids">[K, D].</param>
/// <param name="Counts">Points assigned to each centroid after the last iteration, [K] (float).</param>
public readonly record struct KMeansResult(Tensor Centroids, Tensor Counts);

/// <summary>
/// k-means with k-means++ seeding (Arthur and Vassilvitskii, 2007) on tensors, reproducible through an
/// explicit generator. Used to initialise codebooks on the residuals each level actually sees.
/// Written here rather than taken from ML.NET's KMeansPlusPlusTrainer because it must run on torch
/// tensors inside the model's own pipeline and share its seed.
/// </summary>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="data"/> [N, D] into <paramref name="k"/> groups.</summary>
    /// <param name="data">Points, float32 or float64.</param>
    /// <param name="k">Number of centroids; if the data have fewer distinct points, some centroids repeat.</param>
    /// <param name="iterations">Lloyd iterations after seeding (0 keeps the seeds).</param>
    /// <param name="generator">Source of randomness for the seeding.</param>
    public static KMeansResult Fit(Tensor data, int k, int iterations, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        if (data.dim() != 2 || data.shape[0] == 0) throw new ArgumentException("k-means needs a non-empty [N, D] tensor.", nameof(data));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var points = data.detach().to(ScalarType.Float64);
        var centroids = SeedPlusPlus(points, k, generator);
        var counts = zeros(k, dtype: ScalarType.Float64);
        for (var it = 0; it < iterations; it++)
        {
            // A scope per iteration: the [N, K] distances of every iteration would otherwise live until the
            // end (50 iterations × 20k × 256 float64 ≈ 2 GB).
            using var iteration = NewDisposeScope();
            var assignment = Assign(points, centroids);
            counts = bincount(assignment, minlength: k).to(ScalarType.Float64);
            var sums = zeros(k, points.shape[1], dtype: ScalarType.Float64).index_add_(0, assignment, points, 1.0);
            var updated = sums / counts.clamp_min(1).unsqueeze(1);
            // An empty cluster keeps its previous centroid rather than collapsing to the origin.
            var empty = counts.eq(0).unsqueeze(1);
            var next = where(empty, centroids, updated);
            var moved = (next - centroids).abs().max().item<double>();
            centroids = next.MoveToOuterDisposeScope();
            counts.MoveToOuterDisposeScope();
            if (moved == 0) break;
        }
        if (iterations == 0) counts = bincount(Assign(points, centroids), minlength: k).to(ScalarType.Float64);
        return new KMeansResult(centroids.to(data.dtype).MoveToOuterDisposeScope(), counts.to(data.dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Index of the nearest centroid of every point, by squared Euclidean distance.</summary>
    public static Tensor Assign(Tensor points, Tensor centroids)
    {
        using var scope = NewDisposeScope();
        var distances = addmm(centroids.pow(2).sum(1).unsqueeze(0), points, centroids.t(), beta: 1, alpha: -2);
        return distances.argmin(1).MoveToOuterDisposeScope();
    }

    private static Tensor SeedPlusPlus(Tensor points, int k, Generator generator)
    {
        var n = points.shape[0];
        var chosen = new long[k];
        chosen[0] = randint(n, [1], generator: generator).item<long>();
        var nearest = (points - points[chosen[0]]).pow(2).sum(1);
        for (var j = 1; j < k; j++)
        {
            using var iteration = NewDisposeScope(); // frees each step's [N, D] temporaries (k of them otherwise)
            var total = nearest.sum().item<double>();
            // When every point already coincides with a centroid, further seeds can only repeat points.
            chosen[j] = total > 0
                ? multinomial(nearest / total, 1, replacement: false, generator: generator).item<long>()
                : randint(n, [1], generator: generator).item<long>();
            nearest = minimum(nearest, (points - points[chosen[j]]).pow(2).sum(1)).MoveToOuterDisposeScope();
        }
        return points.index_select(0, tensor(chosen));
    }
}
