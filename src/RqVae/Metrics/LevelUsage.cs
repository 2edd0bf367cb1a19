namespace RqVae.Metrics;

/// <summary>
/// How one level's codes are used over a whole data set, with usage p(k) = count(k) / N over the N items
/// (each figure is defined with its parameter below).
/// </summary>
/// <param name="Level">The level, numbered from 1 as every table and metrics.json number them.</param>
/// <param name="CodebookSize">K.</param>
/// <param name="ActiveCodes">#{k : count(k) &gt; 0}.</param>
/// <param name="Perplexity">exp(H(p)), with H in nats: K for uniform use, 1 for a single code.</param>
/// <param name="NormalizedEntropy">H(p) / ln K, in [0, 1].</param>
/// <param name="LargestShare">max_k p(k).</param>
public sealed record LevelUsage(int Level, int CodebookSize, int ActiveCodes, double Perplexity, double NormalizedEntropy, double LargestShare)
{
    /// <summary>Fraction of the codebook in use.</summary>
    public double ActiveFraction => (double)ActiveCodes / CodebookSize;

    /// <summary>Computes the figures of level <paramref name="level"/> (1-based) from per-code counts.</summary>
    public static LevelUsage FromCounts(int level, ReadOnlySpan<long> counts)
    {
        long total = 0;
        long largest = 0;
        var active = 0;
        foreach (var c in counts)
        {
            if (c < 0) throw new ArgumentException("Counts cannot be negative.", nameof(counts));
            total += c;
            largest = Math.Max(largest, c);
            if (c > 0) active++;
        }
        if (total == 0) return new LevelUsage(level, counts.Length, 0, 0, 0, 0);
        double entropy = 0;
        foreach (var c in counts)
        {
            if (c == 0) continue;
            var p = (double)c / total;
            entropy -= p * Math.Log(p);
        }
        var normalized = counts.Length > 1 ? entropy / Math.Log(counts.Length) : 0;
        return new LevelUsage(level, counts.Length, active, Math.Exp(entropy), normalized, (double)largest / total);
    }
}
