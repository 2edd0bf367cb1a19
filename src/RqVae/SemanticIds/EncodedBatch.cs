namespace RqVae.SemanticIds;

/// <summary>One batch of a stream and its IDs, as <see cref="StreamingEncoder"/> yields them.</summary>
/// <typeparam name="TBatch">What the source yielded.</typeparam>
/// <param name="Batch">The batch as the source yielded it.</param>
/// <param name="Ids">The IDs of its rows, in order.</param>
public readonly record struct EncodedBatch<TBatch>(TBatch Batch, SemanticIdTable Ids);
