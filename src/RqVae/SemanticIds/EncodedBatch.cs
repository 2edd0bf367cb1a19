namespace RqVae.SemanticIds;

/// <summary>One batch of a stream and its IDs, as <see cref="StreamingEncoder"/> yields them.</summary>
/// <typeparam name="TBatch">What the source yielded.</typeparam>
/// <param name="Batch">The batch as the source yielded it.</param>
/// <param name="Ids">The IDs of its rows, in order.</param>
/// <param name="LastLevelResiduals">
/// Each row's last-level residual, row-major [rows, code width] (see <see cref="CodeSpace.LastLevelResiduals"/>), when the
/// stream was asked for them (<see cref="StreamingEncoder.EncodeWithLastLevelResiduals"/>); empty otherwise.
/// </param>
public readonly record struct EncodedBatch<TBatch>(TBatch Batch, SemanticIdTable Ids, ReadOnlyMemory<float> LastLevelResiduals = default)
{
    /// <summary>The batch and its IDs, for the callers that did not ask for residuals.</summary>
    public void Deconstruct(out TBatch batch, out SemanticIdTable ids) => (batch, ids) = (Batch, Ids);
}
