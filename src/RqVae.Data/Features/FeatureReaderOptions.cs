using RqVae.Data.IO;

namespace RqVae.Data.Features;

/// <summary>How to read a feature file. The defaults read <c>id</c> + all numeric columns, or <c>{"id", "features"}</c> objects.</summary>
public sealed record FeatureReaderOptions
{
    /// <summary>The file format; <see cref="DataFileFormat.Auto"/> (default) chooses by extension.</summary>
    public DataFileFormat Format { get; init; } = DataFileFormat.Auto;

    /// <summary>Name of the id column (CSV/TSV/Parquet) or field (JSON Lines). Default "id".</summary>
    public string IdColumn { get; init; } = "id";

    /// <summary>
    /// Feature column names (CSV/TSV/Parquet), in order. Null (default): every column except the id
    /// column, or for Parquet the list column <see cref="FeaturesField"/> when present.
    /// </summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>Name of the vector field (JSON Lines) or list column (Parquet). Default "features".</summary>
    public string FeaturesField { get; init; } = "features";

    /// <summary>For .npy: an optional UTF-8 text file with one id per line; without it ids are the 0-based row numbers.</summary>
    public string? IdsPath { get; init; }

    /// <summary>Rows per batch when streaming. Default 4,096.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Deepest JSON nesting accepted per line (guards against pathological input). Default 16.</summary>
    public int MaxJsonDepth { get; init; } = 16;

    /// <summary>
    /// Longest JSON line accepted, in bytes (line break excluded). Default 16 MiB, room for some 800,000
    /// full-precision values; a longer line is refused as soon as it passes the limit, before it is parsed,
    /// so a file without line breaks cannot exhaust memory.
    /// </summary>
    public int MaxJsonLineBytes { get; init; } = JsonLines.DefaultMaxLineBytes;

    /// <summary>Longest vector accepted (guards against absurd headers). Default 1,048,576.</summary>
    public int MaxDimension { get; init; } = 1 << 20;

    /// <summary>Reject a repeated id, naming both rows (default). Costs one dictionary of ids while reading.</summary>
    public bool RejectDuplicateIds { get; init; } = true;

    /// <summary>
    /// Check ids for repeats on disk rather than in memory: each id is appended to a temporary file (its UTF-8
    /// length plus about 9 bytes) and the files are compared after the last row, so memory stays flat however
    /// many rows the file has; a repeat then surfaces only when the last batch is read. Default false
    /// (a dictionary of ids, which finds a repeat at once but grows by some 70–100 bytes per row).
    /// </summary>
    public bool CheckIdsOnDisk { get; init; }

    /// <summary>
    /// Hand out every full batch of <see cref="FeatureReader.ReadBatches"/> in the same two arrays, overwritten when the
    /// next batch is read, so streaming allocates nothing per batch. Only for a caller that is done with a batch before
    /// it asks for the next (an encoder writing IDs as it goes); default false (each batch owns its arrays).
    /// </summary>
    public bool ReuseBatchBuffers { get; init; }

    /// <summary>
    /// Read only the items of this shard (by <see cref="Items.ItemShard.Contains"/> on the id); the others are skipped as
    /// they are read, neither checked nor held, so memory does not grow with them. Each batch then says which rows of
    /// the file it holds (<see cref="FeatureBatch.SourceRows"/>). Default null: every item.
    /// </summary>
    public Items.ItemShard? Shard { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(IdColumn)) throw new ArgumentException("IdColumn must be set.", nameof(IdColumn));
        if (string.IsNullOrEmpty(FeaturesField)) throw new ArgumentException("FeaturesField must be set.", nameof(FeaturesField));
        if (FeatureColumns is { Count: 0 }) throw new ArgumentException("FeatureColumns, when given, must name at least one column.", nameof(FeatureColumns));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 2, nameof(MaxJsonDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonLineBytes, 2, nameof(MaxJsonLineBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxJsonLineBytes, Array.MaxLength - 1, nameof(MaxJsonLineBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDimension, 1, nameof(MaxDimension));
        Shard?.Validate();
    }
}
