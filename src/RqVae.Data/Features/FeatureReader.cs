using RqVae.Data.Errors;
using RqVae.Data.IO;
using RqVae.Data.Npy;

namespace RqVae.Data.Features;

/// <summary>
/// Reads item feature vectors from .npy, CSV/TSV, Parquet or JSON Lines. <see cref="Load"/> reads a
/// whole file; <see cref="ReadBatches"/> streams it in batches with memory bounded by the batch size
/// (plus one id per row for the duplicate check), for files larger than memory.
/// Every malformed input raises <see cref="DataFormatException"/> naming the file, row and column.
/// </summary>
public static class FeatureReader
{
    /// <summary>Reads the whole file into one matrix.</summary>
    public static FeatureMatrix Load(string path, FeatureReaderOptions? options = null)
    {
        var ids = new List<string>();
        var values = new List<float>();
        var dimension = 0;
        foreach (var batch in ReadBatches(path, options))
        {
            dimension = batch.Features.Dimension;
            ids.AddRange(batch.Features.Ids);
            values.AddRange(batch.Features.Values);
        }
        return new FeatureMatrix([.. ids], [.. values], dimension);
    }

    /// <summary>
    /// The matrix's shape as the file's header states it, read without touching the data, so a caller can size
    /// (or refuse) a load before it starts: rows × values per row for .npy; null for CSV/TSV, JSON Lines and Parquet
    /// (their row count takes a read of the file, and the file's size bounds no value's width).
    /// </summary>
    /// <exception cref="DataFormatException">The header is malformed.</exception>
    public static (long Rows, int Dimension)? HeaderShape(string path, FeatureReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new FeatureReaderOptions();
        options.Validate();
        if (DataFileFormats.Resolve(path, options.Format) != DataFileFormat.Npy) return null;
        InputFile.Check(path, "Feature file");
        using var stream = InputFile.OpenRead(path, 4096, "Feature file");
        var header = NpyHeader.Read(stream, path, options.MaxDimension);
        return (header.Rows, header.Dimension);
    }

    /// <summary>Streams the file in batches of <see cref="FeatureReaderOptions.BatchSize"/> rows (the last may be shorter).</summary>
    public static IEnumerable<FeatureBatch> ReadBatches(string path, FeatureReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new FeatureReaderOptions();
        options.Validate();
        var format = DataFileFormats.Resolve(path, options.Format);
        InputFile.Check(path, "Feature file");
        return format switch
        {
            DataFileFormat.Npy => NpyFeatureReader.Read(path, options),
            DataFileFormat.Csv or DataFileFormat.Tsv => CsvFeatureReader.Read(path, options, format),
            DataFileFormat.Parquet => ParquetFeatureReader.Read(path, options),
            DataFileFormat.JsonLines => JsonLinesFeatureReader.Read(path, options),
            _ => throw new DataFormatException($"format {format} is not supported for features", path),
        };
    }
}
