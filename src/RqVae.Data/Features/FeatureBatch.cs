namespace RqVae.Data.Features;

/// <summary>A block of consecutive rows produced by <see cref="FeatureReader.ReadBatches"/>.</summary>
/// <param name="Features">The rows of this batch.</param>
/// <param name="FirstRow">0-based index in the file of the batch's first row.</param>
public sealed record FeatureBatch(FeatureMatrix Features, long FirstRow);
