using RqVae.Metrics;

namespace RqVae.SemanticIds;

/// <summary>
/// Makes semantic IDs unique, once, after training. Step 1 moves items that share an ID to the nearest
/// last-level code whose whole ID is free, if that code is near enough; step 2 appends TIGER's extra code,
/// numbering the items left in each shared ID 0, 1, 2, … Every choice is made in a fixed order (IDs in
/// lexicographic order, items by row), so the same input always gives the same table.
/// </summary>
public static class CollisionResolver
{
    /// <summary>Resolves the collisions of <paramref name="ids"/>.</summary>
    /// <param name="ids">[N, L] codes as encoded.</param>
    /// <param name="lastResiduals">Each item's last-level residual, row-major [N, D] (see <see cref="CodeSpace.LastLevelResiduals"/>); may be empty when re-assignment is off.</param>
    /// <param name="lastCodebook">The last level's code vectors as used, row-major [K, D].</param>
    /// <param name="options">The policy; defaults when null.</param>
    /// <returns>The unique IDs ([N, L + 1] with the extra code, else [N, L]) and the report.</returns>
    public static (SemanticIdTable Ids, CollisionReport Report) Resolve(SemanticIdTable ids, ReadOnlySpan<float> lastResiduals, ReadOnlySpan<float> lastCodebook, CollisionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        options = (options ?? new CollisionOptions()).Validate();
        var n = ids.Count;
        var levels = ids.Levels;
        var codes = ids.Codes.ToArray();
        var before = CollisionStats.Compute(ids);
        var reassigned = 0;
        double limit = 0;
        if (options.Reassign && n > 0)
        {
            if (lastResiduals.Length == 0 || lastResiduals.Length % n != 0)
                throw new ArgumentException($"Re-assignment needs one last-level residual per item ({n} rows); got {lastResiduals.Length} values.", nameof(lastResiduals));
            var d = lastResiduals.Length / n;
            if (lastCodebook.Length == 0 || lastCodebook.Length % d != 0)
                throw new ArgumentException($"The last codebook must be [K, {d}]; got {lastCodebook.Length} values.", nameof(lastCodebook));
            limit = options.MaxReassignError * MeanSquaredNorm(lastResiduals, d);
            reassigned = Reassign(codes, levels, lastResiduals, lastCodebook, d, limit);
        }
        var afterReassignment = CollisionStats.Compute(new SemanticIdTable(codes, levels));
        if (!options.AppendExtraCode)
            return (new SemanticIdTable(codes, levels), new CollisionReport(before, afterReassignment, afterReassignment, reassigned, 0, limit));

        var extended = new int[n * (levels + 1)];
        var nextSuffix = new Dictionary<IdKey, int>(n);
        var extraSize = 0;
        for (var i = 0; i < n; i++)
        {
            var key = new IdKey(codes.AsSpan(i * levels, levels).ToArray());
            var suffix = nextSuffix.GetValueOrDefault(key);
            nextSuffix[key] = suffix + 1;
            extraSize = Math.Max(extraSize, suffix + 1);
            codes.AsSpan(i * levels, levels).CopyTo(extended.AsSpan(i * (levels + 1)));
            extended[i * (levels + 1) + levels] = suffix;
        }
        var result = new SemanticIdTable(extended, levels + 1);
        return (result, new CollisionReport(before, afterReassignment, CollisionStats.Compute(result), reassigned, extraSize, limit));
    }

    /// <summary>Squared Euclidean distance between row <paramref name="row"/> of <paramref name="a"/> and row <paramref name="code"/> of <paramref name="codebook"/>.</summary>
    internal static double SquaredDistance(ReadOnlySpan<float> a, int row, ReadOnlySpan<float> codebook, int code, int d)
    {
        var x = a.Slice(row * d, d);
        var c = codebook.Slice(code * d, d);
        double sum = 0;
        for (var j = 0; j < d; j++)
        {
            double diff = x[j] - c[j];
            sum += diff * diff;
        }
        return sum;
    }

    internal static double MeanSquaredNorm(ReadOnlySpan<float> rows, int d)
    {
        double sum = 0;
        foreach (var v in rows) sum += (double)v * v;
        return rows.Length == 0 ? 0 : sum / (rows.Length / d);
    }

    /// <summary>
    /// The nearest last-level code, within <paramref name="limit"/>, that makes the ID <paramref name="prefix"/> + code free;
    /// −1 if there is none. Ties go to the lower code.
    /// </summary>
    internal static int NearestFreeCode(ReadOnlySpan<int> prefix, ReadOnlySpan<float> residuals, int row, ReadOnlySpan<float> codebook, int d, double limit, Func<IdKey, bool> isTaken)
    {
        var k = codebook.Length / d;
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        var candidate = new int[prefix.Length + 1];
        prefix.CopyTo(candidate);
        for (var code = 0; code < k; code++)
        {
            var distance = SquaredDistance(residuals, row, codebook, code, d);
            if (distance > limit || distance >= bestDistance) continue;
            candidate[^1] = code;
            if (isTaken(new IdKey(candidate))) continue;
            best = code;
            bestDistance = distance;
        }
        return best;
    }

    private static int Reassign(int[] codes, int levels, ReadOnlySpan<float> residuals, ReadOnlySpan<float> codebook, int d, double limit)
    {
        var n = codes.Length / levels;
        var buckets = new Dictionary<IdKey, List<int>>(n);
        for (var i = 0; i < n; i++)
        {
            var key = new IdKey(codes.AsSpan(i * levels, levels).ToArray());
            if (!buckets.TryGetValue(key, out var members)) buckets[key] = members = [];
            members.Add(i);
        }
        var taken = new HashSet<IdKey>(buckets.Keys);
        var moved = 0;
        foreach (var (key, members) in buckets.Where(b => b.Value.Count > 1).OrderBy(b => b.Key, IdKeyComparer.Instance).ToArray())
        {
            var current = key.Codes[^1];
            // The member its code fits best keeps it; the others look for a free code, in row order.
            var keeper = members[0];
            var keeperDistance = SquaredDistance(residuals, keeper, codebook, current, d);
            foreach (var i in members)
            {
                var distance = SquaredDistance(residuals, i, codebook, current, d);
                if (distance < keeperDistance) (keeper, keeperDistance) = (i, distance);
            }
            foreach (var i in members)
            {
                if (i == keeper) continue;
                var code = NearestFreeCode(key.Codes[..^1], residuals, i, codebook, d, limit, taken.Contains);
                if (code < 0) continue;
                codes[i * levels + levels - 1] = code;
                taken.Add(new IdKey(codes.AsSpan(i * levels, levels).ToArray()));
                moved++;
            }
        }
        return moved;
    }
}

/// <summary>Orders IDs lexicographically, code by code.</summary>
internal sealed class IdKeyComparer : IComparer<IdKey>
{
    public static readonly IdKeyComparer Instance = new();

    public int Compare(IdKey x, IdKey y) => x.Codes.SequenceCompareTo(y.Codes);
}
