namespace RqVae.Data.IO;

/// <summary>File formats the readers and writers understand. <see cref="Auto"/> chooses by file extension.</summary>
public enum DataFileFormat
{
    /// <summary>Choose by extension: .npy, .csv, .tsv/.tab, .parquet/.pq, .jsonl/.ndjson.</summary>
    Auto,
    /// <summary>NumPy array file (features only).</summary>
    Npy,
    /// <summary>Comma-separated values with a header row.</summary>
    Csv,
    /// <summary>Tab-separated values with a header row.</summary>
    Tsv,
    /// <summary>Apache Parquet.</summary>
    Parquet,
    /// <summary>JSON Lines: one JSON object per line.</summary>
    JsonLines,
}
