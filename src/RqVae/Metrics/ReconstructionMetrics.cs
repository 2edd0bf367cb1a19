namespace RqVae.Metrics;

/// <summary>How close reconstructions x̂ are to the inputs x, over a whole data set.</summary>
/// <param name="Mse">mean over all elements of (x − x̂)².</param>
/// <param name="Mae">mean over all elements of |x − x̂|.</param>
/// <param name="MeanCosine">mean over rows of cos(x, x̂); a row where either vector is zero counts as 0.</param>
public sealed record ReconstructionMetrics(double Mse, double Mae, double MeanCosine);

/// <summary>
/// Accumulates <see cref="ReconstructionMetrics"/> batch by batch, in double precision, so a data set
/// streamed in batches gives the same figures as one pass over all of it.
/// </summary>
public sealed class ReconstructionAccumulator
{
    private double squaredError;
    private double absoluteError;
    private double cosineSum;
    private long elements;
    private long rows;

    /// <summary>Adds a batch: <paramref name="original"/> and <paramref name="reconstructed"/> are row-major with the same <paramref name="dimension"/>.</summary>
    public void Add(ReadOnlySpan<float> original, ReadOnlySpan<float> reconstructed, int dimension)
    {
        if (original.Length != reconstructed.Length)
            throw new ArgumentException($"Original has {original.Length} values but reconstruction has {reconstructed.Length}.", nameof(reconstructed));
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (original.Length % dimension != 0)
            throw new ArgumentException($"{original.Length} values are not a whole number of rows of {dimension}.", nameof(original));
        for (var start = 0; start < original.Length; start += dimension)
        {
            double dot = 0, nx = 0, ny = 0;
            for (var j = 0; j < dimension; j++)
            {
                double x = original[start + j], y = reconstructed[start + j];
                var d = x - y;
                squaredError += d * d;
                absoluteError += Math.Abs(d);
                dot += x * y;
                nx += x * x;
                ny += y * y;
            }
            cosineSum += nx > 0 && ny > 0 ? dot / Math.Sqrt(nx * ny) : 0;
            rows++;
        }
        elements += original.Length;
    }

    /// <summary>The figures over everything added so far.</summary>
    public ReconstructionMetrics Result() => elements == 0
        ? new ReconstructionMetrics(0, 0, 0)
        : new ReconstructionMetrics(squaredError / elements, absoluteError / elements, cosineSum / rows);
}
