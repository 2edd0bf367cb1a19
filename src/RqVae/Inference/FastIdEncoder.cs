using RqVae.SemanticIds;
using RqVae.Tokenizers;

namespace RqVae.Inference;

/// <summary>Greedy RQ-VAE encoding on <see cref="FastEncoder"/>, as the tokenizer's <see cref="IIdEncoder"/>; owns the fast encoder's buffers.</summary>
internal sealed class FastIdEncoder(FastEncoder fast, bool savedEncoding) : IIdEncoder, ILastLevelResidualEncoder
{
    public int BeamWidth => 1;

    public bool IsSavedEncoding => savedEncoding;

    public string Description => fast.Options.BFloat16 ? "greedy encoding in bfloat16 (faster; IDs may differ from float32)"
        : fast.IsAccelerated ? "greedy encoding, fast path" : "greedy encoding";

    public SemanticIdTable Encode(ReadOnlySpan<float> features) => fast.Encode(features);

    public SemanticIdTable Encode(ReadOnlySpan<float> features, Span<float> lastLevelResiduals) => fast.Encode(features, lastLevelResiduals);

    public void Dispose() => fast.Dispose();
}
