using RqVae.Model;
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
        return EncodeLazily(tokenizer, batches, cancellationToken);
    }

    private static IEnumerable<SemanticIdTable> EncodeLazily(ISemanticIdTokenizer tokenizer, IEnumerable<ReadOnlyMemory<float>> batches, CancellationToken cancellationToken)
    {
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return tokenizer.Encode(batch.Span);
        }
    }
}
