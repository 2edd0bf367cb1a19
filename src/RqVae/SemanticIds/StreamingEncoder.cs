using RqVae.Tokenizers;

namespace RqVae.SemanticIds;

/// <summary>
/// Encodes a stream of feature batches one batch at a time, so a file larger than memory is encoded with
/// memory bounded by one batch (plus the model): nothing is read ahead, nothing is kept behind.
/// </summary>
public static class StreamingEncoder
{
    /// <summary>
    /// Yields the IDs of each batch of <paramref name="batches"/> (row-major features, <see cref="ISemanticIdTokenizer.InputDimension"/>
    /// values per row) as soon as it is encoded. The next batch is pulled only when the caller asks for the next result.
    /// </summary>
    public static IEnumerable<SemanticIdTable> Encode(ISemanticIdTokenizer tokenizer, IEnumerable<ReadOnlyMemory<float>> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(batches);
        return EncodeLazily(batches, batch => tokenizer.Encode(batch.Span), cancellationToken);
    }

    /// <summary>
    /// Yields each batch of <paramref name="batches"/> with the IDs <paramref name="encoder"/> gives its
    /// <paramref name="features"/> (row-major, the model's input width), as soon as they are encoded. The next batch
    /// is pulled only when the caller asks for the next result, and nothing of a batch is kept once the caller moves
    /// on, so memory is bounded by one batch (and whatever the caller keeps) however long the stream.
    /// </summary>
    /// <typeparam name="TBatch">What the source yields: the features and whatever goes with them (item ids, row numbers).</typeparam>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked before each batch.</exception>
    public static IEnumerable<EncodedBatch<TBatch>> Encode<TBatch>(IIdEncoder encoder, IEnumerable<TBatch> batches, Func<TBatch, ReadOnlyMemory<float>> features,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(features);
        return EncodeLazily(batches, batch => new EncodedBatch<TBatch>(batch, encoder.Encode(features(batch).Span)), cancellationToken);
    }

    /// <summary>
    /// As <see cref="Encode{TBatch}"/>, and each batch also carries its rows' last-level residuals in the tokenizer's code
    /// space (see <see cref="CodeSpace.EncodeWithLastLevelResiduals"/>), which collision handling needs.
    /// </summary>
    public static IEnumerable<EncodedBatch<TBatch>> EncodeWithLastLevelResiduals<TBatch>(IIdEncoder encoder, ISemanticIdTokenizer tokenizer, IEnumerable<TBatch> batches,
        Func<TBatch, ReadOnlyMemory<float>> features, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(features);
        return EncodeLazily(batches, batch =>
        {
            var (ids, residuals) = CodeSpace.EncodeWithLastLevelResiduals(encoder, tokenizer, features(batch).Span);
            return new EncodedBatch<TBatch>(batch, ids, residuals);
        }, cancellationToken);
    }

    private static IEnumerable<TResult> EncodeLazily<TBatch, TResult>(IEnumerable<TBatch> batches, Func<TBatch, TResult> encode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return encode(batch);
        }
    }
}
