using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tests.Support;
using RqVae.Tokenizers;
using Xunit;

namespace RqVae.Tests.SemanticIds;

public class SemanticIdSimilarityTests
{
    // Two levels of 3 codes in 2-d, chosen so code vectors are easy to add by hand.
    private static readonly float[][] Codebooks =
    [
        [0, 0, 10, 0, 0, 10],
        [0, 0, 1, 0, 0, 1],
    ];

    [Theory]
    [InlineData(2)]
    [InlineData(33)] // longer than one SIMD register and not a multiple of one: the tail counts too
    public void Code_vector_distance_is_Euclidean(int dimension)
    {
        // Worked by hand: the first two coordinates differ by 3 and 4, every further one by 2: √(9 + 16 + 4·(d − 2)).
        var a = new float[dimension];
        var b = new float[dimension];
        a[0] = 3; b[1] = 4;
        for (var j = 2; j < dimension; j++) (a[j], b[j]) = (1, -1);
        Assert.Equal(MathF.Sqrt(25 + 4 * (dimension - 2)), SemanticIdSimilarity.CodeVectorDistance(a, b), 5);
    }

    [Fact]
    public void Exact_match_and_prefix_length_follow_their_definitions()
    {
        Assert.Equal(2.0 / 3, SemanticIdSimilarity.ExactMatchFraction([1, 2, 3], [1, 5, 3]));
        Assert.Equal(1, SemanticIdSimilarity.SharedPrefixLength([1, 2, 3], [1, 5, 3]));
        Assert.Equal(0, SemanticIdSimilarity.SharedPrefixLength([0, 2, 3], [1, 2, 3]));
        Assert.Equal(3, SemanticIdSimilarity.SharedPrefixLength([1, 2, 3], [1, 2, 3]));
    }

    [Fact]
    public void Code_vector_is_the_sum_over_levels()
    {
        var v = new float[2];
        SemanticIdSimilarity.CodeVector(Codebooks, [1, 2], v); // (10,0) + (0,1)
        Assert.Equal(new float[] { 10, 1 }, v);
        // cos((10,1), (0,11)) = 1·11 / (√101 · 11) = 1/√101.
        TestTensors.Near(1 / Math.Sqrt(101), SemanticIdSimilarity.CodeVectorCosine(Codebooks, 2, [1, 2], [2, 2]), 1e-6);
    }

    [Fact]
    public void Index_ranks_by_shared_prefix_then_code_vector_distance()
    {
        var ids = new SemanticIdTable(
        [
            1, 0, // row 0: (10,0)
            1, 1, // row 1: (11,0)
            2, 1, // row 2: (1,10)
            1, 2, // row 3: (10,1)
            0, 1, // row 4: (1,0)
            1, 1, // row 5: (11,0), same ID as row 1
        ], 2);
        var index = new SemanticIdIndex(ids, Codebooks, 2);
        var answer = index.SimilarTo(1, 5);
        // Row 5 shares the whole ID; rows 0 and 3 share code 1 (distances 1 and √2); then rows 4 and 2 share nothing
        // (distances from (11,0): 10 and √200).
        Assert.Equal(new[] { 5, 0, 3, 4, 2 }, answer.Select(a => a.Row));
        Assert.Equal(new[] { 2, 1, 1, 0, 0 }, answer.Select(a => a.SharedPrefix));
        TestTensors.Near(Math.Sqrt(2), answer[2].Distance, 1e-6);
        Assert.DoesNotContain(answer, a => a.Row == 1);
        Assert.Equal(new[] { 5, 0 }, index.SimilarTo(1, 2).Select(a => a.Row));
    }

    [Fact]
    public void Recommender_encodes_the_catalogue_once_and_only_the_query_per_query()
    {
        var tokenizer = new CountingTokenizer();
        var catalogue = new float[] { 0, 1, 2, 3, 4 }; // 1-d features; the ID is (x, 0)
        var recommender = new SemanticIdRecommender(tokenizer, catalogue);
        Assert.Equal(5, tokenizer.RowsEncoded);
        var answer = recommender.SimilarTo([3f], k: 3);
        Assert.Equal(6, tokenizer.RowsEncoded);
        // Row 3 has the query's whole ID; rows 2 and 4 share nothing and lie at distance 1 each, so the row breaks the tie.
        Assert.Equal(new[] { 3, 2, 4 }, answer.Select(a => a.Row));
        Assert.Equal(new[] { 2, 0, 0 }, answer.Select(a => a.SharedPrefix));
    }

    private sealed class CountingTokenizer : ISemanticIdTokenizer
    {
        public int RowsEncoded { get; private set; }
        public string Kind => "counting";
        public int BeamWidth => 1;
        public int InputDimension => 1;
        public int Levels => 2;
        public int CodebookSize => 5;
        public int CodeDimension => 1;

        public SemanticIdTable Encode(ReadOnlySpan<float> features)
        {
            RowsEncoded += features.Length;
            var codes = new int[features.Length * 2];
            for (var i = 0; i < features.Length; i++) codes[2 * i] = (int)features[i];
            return new SemanticIdTable(codes, 2);
        }

        public SemanticIdTable Encode(ReadOnlySpan<float> features, int beamWidth) => Encode(features);
        public IIdEncoder CreateEncoder(EncodingOptions options) => throw new NotSupportedException();
        public float[] CodeSpaceVectors(ReadOnlySpan<float> features) => throw new NotSupportedException();
        public string WeightsSha256() => throw new NotSupportedException();
        public RqVae.Model.ModelIdentity Identity() => throw new NotSupportedException();
        public void Save(string directory, IReadOnlyDictionary<string, string>? trainingFacts = null) => throw new NotSupportedException();
        public float[] Reconstruct(SemanticIdTable ids) => throw new NotSupportedException();
        public float[] CodeVectors(SemanticIdTable ids) => throw new NotSupportedException();
        public IReadOnlyList<float[]> Codebooks() => [[0, 1, 2, 3, 4], [0, 0, 0, 0, 0]];
        public void Dispose() { }
    }
}
