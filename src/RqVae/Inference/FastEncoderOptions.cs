namespace RqVae.Inference;

/// <summary>Settings of a <see cref="FastEncoder"/>. Every default keeps the IDs bit-identical to <see cref="Model.RqVaeTokenizer.Encode(System.ReadOnlySpan{float})"/>.</summary>
public sealed record FastEncoderOptions
{
    /// <summary>
    /// Rows per batch, default 2048, the plain encoder's batch: a matrix product of another height may
    /// accumulate in another order, so only this value guarantees identical IDs.
    /// </summary>
    public int BatchSize { get; init; } = Model.RqVaeTokenizer.DefaultBatchSize;

    /// <summary>
    /// Threads torch uses while this encoder runs (process-wide, restored afterwards); 0 (default) leaves
    /// torch's setting alone.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// Runs the encoder's matrix products in bfloat16 (AVX-512 BF16 on CPUs that have it) with float32
    /// accumulation; the distance computation stays float32. Faster, but it rounds the latents, so
    /// items close to a boundary between two codes can get another ID: off by default, and its effect
    /// on IDs is measured by the speed benchmark.
    /// </summary>
    public bool BFloat16 { get; init; }

    /// <summary>Checks every setting; returns this instance so calls can be chained.</summary>
    public FastEncoderOptions Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be ≥ 0 (0 keeps torch's setting).");
        return this;
    }
}
