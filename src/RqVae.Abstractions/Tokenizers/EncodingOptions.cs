namespace RqVae.Tokenizers;

/// <summary>How features are turned into IDs once a model is fitted. The defaults give the model's own IDs.</summary>
public sealed record EncodingOptions
{
    /// <summary>Partial codes kept per level (beam search); 1 is greedy. Default null: the beam the model was saved with.</summary>
    public int? BeamWidth { get; init; }

    /// <summary>
    /// Run the network's matrix products in bfloat16: faster on CPUs with AVX-512 BF16, but items near a boundary
    /// between two codes can get another ID. Default false. Only kinds with a network support it.
    /// </summary>
    public bool BFloat16 { get; init; }

    /// <summary>Rows per call into the model; bounds the temporary memory of one call. Default 2048.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// 2048: a batch's widest activations (2048 × 512 floats, 4 MB) stay in cache between layers; measured with the
    /// fast encoder on 2 threads, 279–282k items/s against 190–276k at 4096, with identical IDs at 1024, 2048 and 4096.
    /// </summary>
    public const int DefaultBatchSize = 2048;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public EncodingOptions Validate()
    {
        if (BeamWidth is < 1 or > 1024) throw new ArgumentException($"{nameof(BeamWidth)} must be in 1..1024 (got {BeamWidth}).", nameof(BeamWidth));
        if (BatchSize < 1) throw new ArgumentException($"{nameof(BatchSize)} must be positive (got {BatchSize}).", nameof(BatchSize));
        if (BFloat16 && BeamWidth > 1) throw new ArgumentException($"{nameof(BFloat16)} applies to greedy encoding; use a beam of 1 (got {BeamWidth}).", nameof(BFloat16));
        return this;
    }
}
