using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>How to write a semantic-id table.</summary>
public sealed record SemanticIdTableWriterOptions
{
    /// <summary>CSV, TSV, Parquet or JSON Lines; <see cref="DataFileFormat.Auto"/> (default) chooses by extension.</summary>
    public DataFileFormat Format { get; init; } = DataFileFormat.Auto;

    /// <summary>
    /// Identifies the model that produced the codes. When set it is stored in the Parquet footer
    /// metadata and, for every format, in a sidecar <c>&lt;path&gt;.meta.json</c>; readers return it.
    /// </summary>
    public string? ModelHash { get; init; }

    /// <summary>Rows per Parquet row group (rows are buffered up to this many). Default 65,536.</summary>
    public int ParquetRowGroupSize { get; init; } = 65536;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ParquetRowGroupSize, 1, nameof(ParquetRowGroupSize));
        if (Format == DataFileFormat.Npy) throw new ArgumentException("Semantic-id tables cannot be written as .npy.", nameof(Format));
    }
}
