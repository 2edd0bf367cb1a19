using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Quantization;

/// <summary>The result of <see cref="KMeans.Fit"/>.</summary>
/// <param name="Centroids">[K, D].</param>
/// <param name="Counts">Points assigned to each centroid after the last iteration, [K] (float).</param>
public readonly record struct KMeansResult(Tensor Centroids, Tensor Counts);

/// <summary>
/// k-means with k-means++ seeding (Arthur and Vassilvitskii, 2007) on tensors, reproducible through an
/// explicit generator. Used to initialise codebooks on the residuals each level actually sees, and as
/// the whole of residual k-means. Written here rather than taken from ML.NET's KMeansPlusPlusTrainer
/// because it must run on torch tensors inside the model's own pipeline and share its seed.
/// </summary>
/// <remarks>
/// Distances are float32 matrix products, as FAISS computes them; centroid sums are accumulated in
/// float64, so a centroid does not depend on how many points were added before it in float32.
/// </remarks>
public static class KMeans
{
    /// <summary>Clusters the rows of <paramref name="data"/> [N, D] into <paramref name="k"/> groups.</summary>
    /// <param name="data">Points, float32 or float64.</param>
    /// <param name="k">Number of centroids; if the data have fewer distinct points, some centroids repeat.</param>
    /// <param name="iterations">Lloyd iterations after seeding (0 keeps the seeds).</param>
    /// <param name="generator">Source of randomness for the seeding.</param>
    public static KMeansResult Fit(Tensor data, int k, int iterations, Generator generator)
    {
        CheckArguments(data, k, iterations);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var points = data.detach().to(ScalarType.Float32).contiguous();
        var (centroids, counts) = Lloyd(points, SeedPlusPlus(points, k, generator), iterations);
        return new KMeansResult(centroids.to(data.dtype).MoveToOuterDisposeScope(), counts.to(data.dtype).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// k-means in the data's principal-component basis over progressively more dimensions (FAISS's
    /// <c>ProgressiveDimClustering</c>, the default of its residual quantizer): step s clusters the first
    /// ⌊D^((s+1)/steps)⌋ principal coordinates, starting from the previous step's centroids padded with
    /// zeros. The early, low-dimensional steps place the centroids along the directions of largest
    /// variance, which plain k-means in high dimension rarely finds; the result has a lower error.
    /// </summary>
    /// <param name="data">Points [N, D], float32 or float64.</param>
    /// <param name="k">Number of centroids.</param>
    /// <param name="iterations">Lloyd iterations per step.</param>
    /// <param name="steps">Number of dimension steps; 1 is plain k-means (in a rotated basis).</param>
    /// <param name="generator">Source of randomness for the first step's seeding.</param>
    public static KMeansResult FitProgressive(Tensor data, int k, int iterations, int steps, Generator generator)
    {
        CheckArguments(data, k, iterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var d = (int)data.shape[1];
        Tensor mean, axes, rotated;
        // Scopes inside free the float64 copies and each step's slices as soon as they are done with:
        // at 20,000 × 768 they would otherwise add up to well over a gigabyte.
        using (var preparation = NewDisposeScope())
        {
            var points = data.detach().to(ScalarType.Float64);
            mean = points.mean([0]);
            var centered = points - mean;
            // Principal axes, largest variance first; the covariance is accumulated in float64.
            using var count = points.shape[0].ToScalar();
            axes = linalg.eigh(centered.t().mm(centered).div(count)).Item2.flip(1);
            rotated = centered.mm(axes).to(ScalarType.Float32);
            preparation.MoveToOuter(mean, axes, rotated);
        }
        Tensor? centroids = null;
        Tensor counts = zeros(k);
        var previous = 0;
        for (var step = 0; step < steps; step++)
        {
            var width = Math.Clamp((int)Math.Pow(d, (1.0 + step) / steps), 1, d);
            if (step == steps - 1) width = d;
            if (width <= previous) continue;
            using var stepScope = NewDisposeScope();
            var slice = rotated.narrow(1, 0, width).contiguous();
            var start = centroids is null
                ? SeedPlusPlus(slice, k, generator)
                : cat([centroids, zeros(k, width - previous)], 1);
            (centroids, counts) = Lloyd(slice, start, iterations);
            stepScope.MoveToOuter(centroids, counts);
            previous = width;
        }
        var result = centroids!.to(ScalarType.Float64).mm(axes.t()).add(mean, Scalars.One).to(data.dtype);
        return new KMeansResult(result.MoveToOuterDisposeScope(), counts.to(data.dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Values in one block of point-to-centroid distances (4 MB of float32).</summary>
    private const long DistanceBlockValues = 1 << 20;

    /// <summary>Index of the nearest centroid of every point, by squared Euclidean distance.</summary>
    /// <remarks>
    /// Computed over blocks of rows so no distance matrix exceeds <see cref="DistanceBlockValues"/> values: each row's
    /// answer is the same, and the temporary memory stays bounded for any N (an [N, K] matrix per Lloyd iteration
    /// otherwise, 20 MB for 20,000 points and 256 centroids).
    /// </remarks>
    public static Tensor Assign(Tensor points, Tensor centroids)
    {
        using var scope = NewDisposeScope();
        var norms = centroids.pow(Scalars.Two).sum(1).unsqueeze(0);
        var rows = points.shape[0];
        var block = Math.Max(1, DistanceBlockValues / Math.Max(1, centroids.shape[0]));
        if (rows <= block) return addmm(norms, points, centroids.t(), beta: 1, alpha: -2).argmin(1).MoveToOuterDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < rows; start += block)
        {
            var part = points.narrow(0, start, Math.Min(block, rows - start));
            parts.Add(addmm(norms, part, centroids.t(), beta: 1, alpha: -2).argmin(1));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private static void CheckArguments(Tensor data, int k, int iterations)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        if (data.dim() != 2 || data.shape[0] == 0) throw new ArgumentException("k-means needs a non-empty [N, D] tensor.", nameof(data));
    }

    /// <summary>Lloyd iterations on float32 <paramref name="points"/> from <paramref name="centroids"/>; returns the centroids and final counts.</summary>
    private static (Tensor Centroids, Tensor Counts) Lloyd(Tensor points, Tensor centroids, int iterations)
    {
        var k = centroids.shape[0];
        var counts = zeros(k);
        var points64 = iterations > 0 ? points.to(ScalarType.Float64) : points;
        using var unit = 1.0.ToScalar();
        for (var it = 0; it < iterations; it++)
        {
            // A scope per iteration: the [N, K] distances of every iteration would otherwise live until the end.
            using var iteration = NewDisposeScope();
            var assignment = Assign(points, centroids);
            var count64 = bincount(assignment, minlength: (int)k).to(ScalarType.Float64);
            var sums = zeros(k, points.shape[1], dtype: ScalarType.Float64).index_add_(0, assignment, points64, unit);
            var updated = (sums / count64.clamp_min(Scalars.One).unsqueeze(1)).to(ScalarType.Float32);
            // An empty cluster keeps its previous centroid rather than collapsing to the origin.
            var next = where(count64.eq(Scalars.Zero).unsqueeze(1), centroids, updated);
            var moved = (next - centroids).abs().max().item<float>();
            centroids = next.MoveToOuterDisposeScope();
            counts = count64.to(ScalarType.Float32).MoveToOuterDisposeScope();
            if (moved == 0) break;
        }
        if (iterations == 0) counts = bincount(Assign(points, centroids), minlength: (int)k).to(ScalarType.Float32);
        return (centroids, counts);
    }

    /// <summary>
    /// k-means++ seeds. The squared distance of every point to a new seed is ‖x‖² − 2x·c + ‖c‖², one
    /// matrix–vector product, instead of materialising x − c ([N, D]) k times.
    /// </summary>
    private static Tensor SeedPlusPlus(Tensor points, int k, Generator generator)
    {
        var n = points.shape[0];
        var norms = points.pow(Scalars.Two).sum(1);
        var chosen = new long[k];
        Tensor DistancesTo(long row) => (norms - points.mv(points[row]).mul(Scalars.Two)).add(norms[row], Scalars.One).clamp_min(Scalars.Zero);
        chosen[0] = randint(n, [1], generator: generator).item<long>();
        var nearest = DistancesTo(chosen[0]);
        for (var j = 1; j < k; j++)
        {
            using var iteration = NewDisposeScope(); // frees each step's [N] temporaries
            var total = nearest.sum(ScalarType.Float64).item<double>();
            using var totalScalar = total.ToScalar();
            // When every point already coincides with a centroid, further seeds can only repeat points.
            chosen[j] = total > 0
                ? multinomial(nearest.div(totalScalar), 1, replacement: false, generator: generator).item<long>()
                : randint(n, [1], generator: generator).item<long>();
            nearest = minimum(nearest, DistancesTo(chosen[j])).MoveToOuterDisposeScope();
        }
        return points.index_select(0, tensor(chosen));
    }
}
