using RqVae.Recommender.Tiger;
using RqVae.SemanticIds;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class RandomSemanticIdsTests
{
    [Fact]
    public void Random_ids_have_the_reference_shape_and_depend_only_on_the_seed()
    {
        // Level 0 uses codes 0..3, level 1 codes 0..9.
        var reference = new SemanticIdTable(["a", "b", "c"], [3, 0, 1, 9, 0, 5], 2);
        var first = RandomSemanticIds.LikeTable(reference, seed: 4);
        var again = RandomSemanticIds.LikeTable(reference, seed: 4);
        var other = RandomSemanticIds.LikeTable(reference, seed: 5);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, first.Levels);
        Assert.Equal(["a", "b", "c"], first.ItemIds);
        Assert.Equal(first.Codes.ToArray(), again.Codes.ToArray());

        var large = RandomSemanticIds.Create(4000, [4, 10], seed: 1);
        var level0 = Enumerable.Range(0, large.Count).Select(r => large.Code(r, 0)).ToArray();
        var level1 = Enumerable.Range(0, large.Count).Select(r => large.Code(r, 1)).ToArray();
        Assert.Equal([0, 1, 2, 3], level0.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 10), level1.Distinct().Order());
        // Uniform: each level-0 code holds about a quarter of the rows (1000 ± 5 standard deviations).
        Assert.All(level0.GroupBy(c => c), g => Assert.InRange(g.Count(), 860, 1140));
        Assert.NotEqual(first.Codes.ToArray(), other.Codes.ToArray());
    }
}
