using RqVae.SemanticIds;

namespace RqVae.Metrics;

/// <summary>How often whole IDs are shared by several items.</summary>
/// <param name="Items">N.</param>
/// <param name="DistinctIds">Number of distinct tuples.</param>
/// <param name="CollisionRate">1 − distinct / N.</param>
/// <param name="UniqueFraction">Share of items whose tuple no other item has.</param>
/// <param name="LargestBucket">Most items sharing one tuple.</param>
public sealed record CollisionStats(int Items, int DistinctIds, double CollisionRate, double UniqueFraction, int LargestBucket)
{
    /// <summary>Computes the figures for <paramref name="ids"/>.</summary>
    public static CollisionStats Compute(SemanticIdTable ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var buckets = BucketSizes(ids);
        var n = ids.Count;
        if (n == 0) return new CollisionStats(0, 0, 0, 0, 0);
        var unique = buckets.Values.Count(size => size == 1);
        return new CollisionStats(n, buckets.Count, 1.0 - (double)buckets.Count / n, (double)unique / n, buckets.Values.Max());
    }

    /// <summary>Number of items per distinct ID.</summary>
    public static Dictionary<IdKey, int> BucketSizes(SemanticIdTable ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var buckets = new Dictionary<IdKey, int>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            var key = new IdKey(ids[i].ToArray());
            buckets[key] = buckets.GetValueOrDefault(key) + 1;
        }
        return buckets;
    }
}
