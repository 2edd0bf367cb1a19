namespace RqVae.Recommender.Protocol;

/// <summary>The mean difference of two methods' per-user scores with a 95 % percentile interval from resampling users.</summary>
/// <param name="Mean">Mean over users of a − b.</param>
/// <param name="Low">2.5th percentile of the resampled means.</param>
/// <param name="High">97.5th percentile of the resampled means.</param>
public sealed record BootstrapInterval(double Mean, double Low, double High)
{
    /// <summary>True when the interval does not contain zero.</summary>
    public bool ExcludesZero => Low > 0 || High < 0;
}

/// <summary>
/// Paired bootstrap over users: both methods are scored on the same users, so the users are resampled with replacement
/// and the mean of the per-user differences is recomputed each time; the spread of those means is the interval.
/// </summary>
public static class PairedBootstrap
{
    /// <summary>The interval of mean(<paramref name="a"/> − <paramref name="b"/>) over <paramref name="resamples"/> resamples, seeded by <paramref name="seed"/>.</summary>
    public static BootstrapInterval Interval(IReadOnlyList<double> a, IReadOnlyList<double> b, int resamples = 2000, int seed = 12345)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count) throw new ArgumentException($"Paired scores need the same users: {a.Count} against {b.Count}.", nameof(b));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var n = a.Count;
        if (n == 0) return new BootstrapInterval(double.NaN, double.NaN, double.NaN);
        var d = new double[n];
        for (var i = 0; i < n; i++) d[i] = a[i] - b[i];
        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++) sum += d[random.Next(n)];
            means[r] = sum / n;
        }
        Array.Sort(means);
        return new BootstrapInterval(d.Average(), Percentile(means, 0.025), Percentile(means, 0.975));
    }

    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(sorted.Length - 1, low + 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
