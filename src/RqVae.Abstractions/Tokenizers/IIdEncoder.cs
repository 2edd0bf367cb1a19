using RqVae.SemanticIds;

namespace RqVae.Tokenizers;

/// <summary>
/// Features → IDs under fixed <see cref="EncodingOptions"/>, as a tokenizer's <see cref="ISemanticIdTokenizer.CreateEncoder"/>
/// made it. Thread-safe; does not own the tokenizer.
/// </summary>
public interface IIdEncoder : IDisposable
{
    /// <summary>The beam in force.</summary>
    int BeamWidth { get; }

    /// <summary>
    /// True when the IDs are exactly those of the tokenizer's own <see cref="ISemanticIdTokenizer.Encode(ReadOnlySpan{float})"/>
    /// (its saved beam, full precision), so what was computed from the tokenizer's IDs (collision handling) holds for them.
    /// </summary>
    bool IsSavedEncoding { get; }

    /// <summary>How IDs are computed, for people ("greedy encoding, fast path", "beam search (beam 5)").</summary>
    string Description { get; }

    /// <summary>The IDs of the rows of <paramref name="features"/>.</summary>
    SemanticIdTable Encode(ReadOnlySpan<float> features);
}
