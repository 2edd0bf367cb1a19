using RqVae.SemanticIds;
using RqVae.Tests.Support;
using Xunit;

namespace RqVae.Tests.SemanticIds;

public class CollisionResolverTests
{
    // Five items, 2 levels, a 1-D code space; last codebook {0, 1, 2, 10}.
    // Items 0, 1, 2 share (3, 0); item 3 has (3, 1); item 4 has (5, 0).
    // Last-level residuals: 0.1, 0.9, −0.2, 1.0, 0.0. Mean squared norm = (0.01+0.81+0.04+1+0)/5 = 0.372.
    private static readonly SemanticIdTable Encoded = new([3, 0, 3, 0, 3, 0, 3, 1, 5, 0], 2);
    private static readonly float[] Residuals = [0.1f, 0.9f, -0.2f, 1.0f, 0.0f];
    private static readonly float[] LastCodebook = [0f, 1f, 2f, 10f];

    [Fact]
    public void Reassigns_to_near_free_codes_then_appends_the_extra_code()
    {
        // Limit 4 × 0.372 = 1.488. Keeper of (3,0) is item 0 (0.01 < 0.04 < 0.81).
        // Item 1 (0.9): code 1 → (3,1) taken by item 3; code 2 → distance 1.21 ≤ 1.488, free: moves to (3,2).
        // Item 2 (−0.2): code 1 taken (1.44), code 2 taken now (4.84 anyway > limit): stays, extra code 1.
        var (ids, report) = CollisionResolver.Resolve(Encoded, Residuals, LastCodebook, new CollisionOptions { MaxReassignError = 4 });
        Assert.Equal(new[] { 3, 0, 0, 3, 2, 0, 3, 0, 1, 3, 1, 0, 5, 0, 0 }, ids.Codes.ToArray());
        Assert.Equal(1, report.Reassigned);
        Assert.Equal(2, report.ExtraCodeSize);
        Assert.Equal(1 - 3.0 / 5, report.Before.CollisionRate, 12);
        Assert.Equal(1 - 4.0 / 5, report.AfterReassignment.CollisionRate, 12);
        Assert.Equal(0, report.AfterExtraCode.CollisionRate);
        TestTensors.Near(4 * 0.372, report.MaxReassignSquaredDistance, 1e-6);
    }

    [Fact]
    public void Leaves_no_duplicate_and_is_deterministic()
    {
        var random = new Random(9);
        var n = 300;
        var codes = Enumerable.Range(0, n * 3).Select(i => random.Next(i % 3 == 2 ? 16 : 8)).ToArray();
        var residuals = Enumerable.Range(0, n * 2).Select(_ => (float)random.NextDouble()).ToArray();
        var codebook = Enumerable.Range(0, 16 * 2).Select(_ => (float)random.NextDouble()).ToArray();
        var encoded = new SemanticIdTable(codes, 3);
        var (a, reportA) = CollisionResolver.Resolve(encoded, residuals, codebook);
        var (b, _) = CollisionResolver.Resolve(encoded, residuals, codebook);
        Assert.True(reportA.Before.CollisionRate > 0.05, "the case must have collisions");
        Assert.True(reportA.Reassigned > 0);
        Assert.Equal(a.Codes.ToArray(), b.Codes.ToArray());
        Assert.Equal(n, Enumerable.Range(0, n).Select(i => string.Join('-', a[i].ToArray())).Distinct().Count());
        Assert.Equal(0, reportA.AfterExtraCode.CollisionRate);
        // Only the last encoded level may change, and the prefix never does.
        for (var i = 0; i < n; i++) Assert.Equal(encoded[i][..2].ToArray(), a[i][..2].ToArray());
    }

    [Fact]
    public void Table_maps_both_ways_gives_new_items_fresh_ids_and_round_trips()
    {
        var items = new[] { "a", "b", "c", "d", "e" };
        var table = ItemIdTable.Build(items, Encoded, Residuals, LastCodebook, new CollisionOptions { MaxReassignError = 4 });
        Assert.True(table.TryGetId("c", out var idC));
        Assert.Equal(new[] { 3, 0, 1 }, idC);
        Assert.True(table.TryGetItem([3, 2, 0], out var moved));
        Assert.Equal("b", moved);

        // A newcomer encoded as (3, 0) with residual 5: no free code within 1.488 (codes 0..2 at 25, 16, 9; 10 at 25),
        // so it takes the next extra code of (3, 0), which is 2.
        Assert.Equal(new[] { 3, 0, 2 }, table.Add("f", [3, 0], [5f], LastCodebook));
        // One encoded as (5, 0) with residual 0.8: code 1 (0.04) is free under prefix 5, so it moves there.
        Assert.Equal(new[] { 5, 1, 0 }, table.Add("g", [5, 0], [0.8f], LastCodebook));
        Assert.Throws<ArgumentException>(() => table.Add("a", [0, 0], [0f], LastCodebook));

        var path = Path.Combine(Path.GetTempPath(), $"idtable-{Guid.NewGuid():N}.json");
        try
        {
            table.Save(path);
            var loaded = ItemIdTable.Load(path);
            Assert.Equal(table.Snapshot().Ids.Codes.ToArray(), loaded.Snapshot().Ids.Codes.ToArray());
            Assert.Equal(table.Report.Reassigned, loaded.Report.Reassigned);
            Assert.Equal(new[] { 3, 0, 3 }, loaded.Add("h", [3, 0], [5f], LastCodebook));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
