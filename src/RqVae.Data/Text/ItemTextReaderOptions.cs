using RqVae.Data.IO;

namespace RqVae.Data.Text;

/// <summary>How to read item texts. Defaults: columns/fields <c>id</c> and <c>text</c>.</summary>
public sealed record ItemTextReaderOptions
{
    /// <summary>CSV, TSV, Parquet or JSON Lines; <see cref="DataFileFormat.Auto"/> (default) chooses by extension.</summary>
    public DataFileFormat Format { get; init; } = DataFileFormat.Auto;

    /// <summary>The id column or field. Default "id".</summary>
    public string IdColumn { get; init; } = "id";

    /// <summary>The text columns or fields; several are joined with <see cref="Separator"/>, skipping empty ones. Default ["text"].</summary>
    public IReadOnlyList<string> TextColumns { get; init; } = ["text"];

    /// <summary>Joins several text columns. Default ". ".</summary>
    public string Separator { get; init; } = ". ";

    /// <summary>Deepest JSON nesting accepted per line. Default 16.</summary>
    public int MaxJsonDepth { get; init; } = 16;

    /// <summary>
    /// Longest JSON line accepted, in bytes (line break excluded). Default 16 MiB, room for some 800,000
    /// full-precision values; a longer line is refused as soon as it passes the limit, before it is parsed,
    /// so a file without line breaks cannot exhaust memory.
    /// </summary>
    public int MaxJsonLineBytes { get; init; } = JsonLines.DefaultMaxLineBytes;

    /// <summary>
    /// Check ids for repeats on disk rather than in memory: each id is appended to a temporary file and the files
    /// are compared after the last row, so memory stays flat however many rows the file has; a repeat then surfaces
    /// only after the last item. Default false (a dictionary of ids, which grows by some 70–100 bytes per row).
    /// </summary>
    public bool CheckIdsOnDisk { get; init; }

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(IdColumn)) throw new ArgumentException("IdColumn must be set.", nameof(IdColumn));
        if (TextColumns is null || TextColumns.Count == 0) throw new ArgumentException("At least one text column is needed.", nameof(TextColumns));
        ArgumentNullException.ThrowIfNull(Separator, nameof(Separator));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 2, nameof(MaxJsonDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonLineBytes, 2, nameof(MaxJsonLineBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxJsonLineBytes, Array.MaxLength - 1, nameof(MaxJsonLineBytes));
        if (Format == DataFileFormat.Npy) throw new ArgumentException("Texts cannot be read from .npy.", nameof(Format));
    }
}
