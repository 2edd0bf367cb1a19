using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>Resolves <see cref="DataFileFormat.Auto"/> from a file name.</summary>
public static class DataFileFormats
{
    /// <summary>Returns <paramref name="requested"/>, or when it is <see cref="DataFileFormat.Auto"/>, the format the extension names.</summary>
    /// <exception cref="DataFormatException">The extension is not recognised.</exception>
    public static DataFileFormat Resolve(string path, DataFileFormat requested = DataFileFormat.Auto)
    {
        if (requested != DataFileFormat.Auto) return requested;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => DataFileFormat.Npy,
            ".csv" => DataFileFormat.Csv,
            ".tsv" or ".tab" => DataFileFormat.Tsv,
            ".parquet" or ".pq" => DataFileFormat.Parquet,
            ".jsonl" or ".ndjson" => DataFileFormat.JsonLines,
            var other => throw new DataFormatException($"cannot tell the format from the extension '{other}'", path,
                remedy: "Rename the file to .npy, .csv, .tsv, .parquet or .jsonl, or set the Format option explicitly."),
        };
    }
}
