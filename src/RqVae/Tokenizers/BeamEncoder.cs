using RqVae.SemanticIds;

namespace RqVae.Tokenizers;

/// <summary>Encodes with a tokenizer's own <see cref="ISemanticIdTokenizer.Encode(ReadOnlySpan{float}, int)"/> at a fixed beam: the encoder any kind can offer.</summary>
internal sealed class BeamEncoder(ISemanticIdTokenizer tokenizer, int beamWidth, bool savedEncoding) : IIdEncoder
{
    public int BeamWidth => beamWidth;

    public bool IsSavedEncoding => savedEncoding;

    public string Description => beamWidth == 1 ? "greedy encoding" : $"beam search (beam {beamWidth})";

    public SemanticIdTable Encode(ReadOnlySpan<float> features) => tokenizer.Encode(features, beamWidth);

    public void Dispose()
    {
    }
}
