namespace RqVae.Text;

/// <summary>Settings of a <see cref="MiniLmEmbedder"/>. Call <see cref="Validate"/> (the embedder does) before use.</summary>
public sealed record MiniLmEmbedderOptions
{
    /// <summary>The longest input the model's position embeddings allow, [CLS] and [SEP] included.</summary>
    public const int ModelMaxTokens = 512;

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator (matrix products). Default: <see cref="Environment.ProcessorCount"/>.
    /// Must be at least 1.
    /// </summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether ONNX Runtime's intra-op threads busy-wait for work between operators. Default false:
    /// spinning buys little for batched embedding and, when the cores are shared with other work
    /// (builds, training), it takes their time and makes several threads slower than one.
    /// </summary>
    public bool AllowThreadSpinning { get; init; }

    /// <summary>
    /// Texts per model call. Default 32: large enough to amortise per-call overhead, small enough that
    /// length-sorted batches carry little padding. Must be at least 1.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Tokens kept per text, [CLS] and [SEP] included; longer texts are truncated. Default 256, the
    /// limit sentence-transformers uses for all-MiniLM-L6-v2 (it was trained on at most 128 tokens,
    /// so longer inputs add little). Between 3 and <see cref="ModelMaxTokens"/>.
    /// </summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public MiniLmEmbedderOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(IntraOpThreads, 1, nameof(IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        // Three tokens is the least that leaves room for one word-piece between [CLS] and [SEP].
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 3, nameof(MaxTokens));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxTokens, ModelMaxTokens, nameof(MaxTokens));
        return this;
    }
}
