using RqVae.SemanticIds;
using Xunit;

namespace RqVae.Tests.SemanticIds;

/// <summary>The index's fast query (prefix ranges, bounded top-k) must rank exactly like scoring every item.</summary>
public sealed class SemanticIdIndexTests
{
    [Theory]
    [InlineData(2000, 8, 1)]   // many items per first code: answers come from deep prefixes
    [InlineData(3000, 64, 10)] // sparse: answers spill to prefix 1 and 0, wide ranges, many ties of prefix
    [InlineData(50, 4, 60)]    // k larger than the catalogue: everything but the item itself
    public void Query_matches_a_brute_force_ranking(int items, int codes, int k)
    {
        const int levels = 3, dimension = 5;
        var random = new Random(items + codes);
        var table = Enumerable.Range(0, items * levels).Select(_ => random.Next(codes)).ToArray();
        // Coarse codebook values make equal distances (ties broken by row) common.
        var codebooks = Enumerable.Range(0, levels).Select(_ => Enumerable.Range(0, codes * dimension).Select(_ => (float)random.Next(-2, 3)).ToArray()).ToArray();
        var ids = new SemanticIdTable(table, levels);
        var index = new SemanticIdIndex(ids, codebooks, dimension);
        for (var q = 0; q < 40; q++)
        {
            var row = random.Next(items);
            var expected = BruteForce(ids, codebooks, dimension, row, k);
            Assert.Equal(expected, index.SimilarTo(row, k));
        }
    }

    private static List<SimilarItem> BruteForce(SemanticIdTable ids, float[][] codebooks, int dimension, int row, int k)
    {
        var query = new float[dimension];
        SemanticIdSimilarity.CodeVector(codebooks, ids[row], query);
        var vector = new float[dimension];
        var all = new List<SimilarItem>();
        for (var r = 0; r < ids.Count; r++)
        {
            if (r == row) continue;
            SemanticIdSimilarity.CodeVector(codebooks, ids[r], vector);
            var sum = 0f;
            for (var j = 0; j < dimension; j++) sum += (query[j] - vector[j]) * (query[j] - vector[j]);
            all.Add(new SimilarItem(r, SemanticIdSimilarity.SharedPrefixLength(ids[row], ids[r]), MathF.Sqrt(sum)));
        }
        return all.OrderByDescending(s => s.SharedPrefix).ThenBy(s => s.Distance).ThenBy(s => s.Row).Take(k).ToList();
    }
}
