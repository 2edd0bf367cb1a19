using RqVae.SemanticIds;
using RqVae.Tokenizers;
using Xunit;

namespace RqVae.Tests.SemanticIds;

/// <summary>The last-level residual collision handling works on, against values worked by hand.</summary>
public sealed class CodeSpaceTests
{
    [Fact]
    public void Last_level_residual_subtracts_every_level_but_the_last_in_order()
    {
        using var tokenizer = new FixedCodebooks();
        // Row 0: ID (1, 0, 2): (1, 2) − (0.5, 0.5) − (0.25, 1) = (0.25, 0.5); the last level's code 2 plays no part.
        // Row 1: ID (0, 1, 0): (−1, 4) − (0, 0) − (1, −1) = (−2, 5).
        var ids = new SemanticIdTable([1, 0, 2, 0, 1, 0], 3);
        var residuals = CodeSpace.LastLevelResiduals(tokenizer, [1f, 2f, -1f, 4f], ids);
        Assert.Equal([0.25f, 0.5f, -2f, 5f], residuals);
    }

    [Fact]
    public void An_encoder_without_a_single_pass_gets_the_residuals_from_the_tokenizer()
    {
        using var tokenizer = new FixedCodebooks();
        using var encoder = new FixedIds(new SemanticIdTable([1, 0, 2], 3));
        var (ids, residuals) = CodeSpace.EncodeWithLastLevelResiduals(encoder, tokenizer, [1f, 2f]);
        Assert.Equal([1, 0, 2], ids.Codes.ToArray());
        Assert.Equal([0.25f, 0.5f], residuals);
    }

    private sealed class FixedIds(SemanticIdTable ids) : IIdEncoder
    {
        public int BeamWidth => 1;
        public bool IsSavedEncoding => true;
        public string Description => "fixed";
        public SemanticIdTable Encode(ReadOnlySpan<float> features) => ids;
        public void Dispose() { }
    }

    /// <summary>Three levels of three 2-d codes; the code space is the features themselves.</summary>
    private sealed class FixedCodebooks : ISemanticIdTokenizer
    {
        public string Kind => "fixed";
        public int BeamWidth => 1;
        public int InputDimension => 2;
        public int Levels => 3;
        public int CodebookSize => 3;
        public int CodeDimension => 2;
        public SemanticIdTable Encode(ReadOnlySpan<float> features) => throw new NotSupportedException();
        public SemanticIdTable Encode(ReadOnlySpan<float> features, int beamWidth) => throw new NotSupportedException();
        public IIdEncoder CreateEncoder(EncodingOptions options) => throw new NotSupportedException();
        public float[] CodeSpaceVectors(ReadOnlySpan<float> features) => features.ToArray();
        public string WeightsSha256() => throw new NotSupportedException();
        public RqVae.Model.ModelIdentity Identity() => throw new NotSupportedException();
        public void Save(string directory, IReadOnlyDictionary<string, string>? trainingFacts = null) => throw new NotSupportedException();
        public float[] Reconstruct(SemanticIdTable ids) => throw new NotSupportedException();
        public float[] CodeVectors(SemanticIdTable ids) => throw new NotSupportedException();
        public IReadOnlyList<float[]> Codebooks() => [[0, 0, 0.5f, 0.5f, 9, 9], [0.25f, 1, 1, -1, 9, 9], [7, 7, 7, 7, 7, 7]];
        public void Dispose() { }
    }
}
