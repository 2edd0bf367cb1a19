namespace RqVae.Data.Features;

/// <summary>A block of rows produced by <see cref="FeatureReader.ReadBatches"/>: consecutive rows of the file, or the rows of one shard.</summary>
/// <param name="Features">The rows of this batch.</param>
/// <param name="FirstRow">0-based index in the file of the batch's first row.</param>
public sealed record FeatureBatch(FeatureMatrix Features, long FirstRow)
{
    /// <summary>
    /// The 0-based row in the file of each row of the batch, when the rows are not consecutive (a shard was read,
    /// see <see cref="FeatureReaderOptions.Shard"/>); null when they are rows <see cref="FirstRow"/>, <see cref="FirstRow"/> + 1, …
    /// </summary>
    public IReadOnlyList<long>? SourceRows { get; init; }

    /// <summary>The 0-based row in the file of row <paramref name="index"/> of the batch.</summary>
    public long SourceRow(int index) => SourceRows?[index] ?? FirstRow + index;
}
