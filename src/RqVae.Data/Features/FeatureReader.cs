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
    /// <summary>
    /// Reads the whole file into one matrix. A .npy file's header gives the shape, so its values go straight into
    /// one array of the final size (memory: the matrix plus one batch); other formats keep their batches and join
    /// them once at the end (twice the matrix, briefly).
    /// </summary>
    public static FeatureMatrix Load(string path, FeatureReaderOptions? options = null)
    {
        options ??= new FeatureReaderOptions();
        // A growing List<float> would hold up to twice the matrix while it doubles and a third copy when turned into
        // an array; the garbage stays resident in the GC heap for the rest of the run (the trainer's peak included).
        var shape = options.Shard is { Count: > 1 } ? null : HeaderShape(path, options);
        var values = shape is { } known ? new float[checked(known.Rows * known.Dimension)] : null;
        // Each batch is copied out before the next one is read, so the reader may hand out the same buffers every time,
        // and batches of at most 1 MB of values suffice: the reader's buffers, garbage once loaded, stay small.
        var reading = shape is not { } sized ? options
            : options with { ReuseBatchBuffers = true, BatchSize = Math.Min(options.BatchSize, Math.Max(1, (1 << 20) / (sizeof(float) * sized.Dimension))) };
        var ids = new List<string>(shape is { } s ? (int)Math.Min(s.Rows, int.MaxValue) : 0);
        var batches = values is null ? new List<float[]>() : null;
        long filled = 0;
        var dimension = 0;
        foreach (var batch in ReadBatches(path, reading))
        {
            dimension = batch.Features.Dimension;
            ids.AddRange(batch.Features.Ids);
            if (values is not null) Array.Copy(batch.Features.Values, 0, values, filled, batch.Features.Values.Length);
            else batches!.Add(batch.Features.Values);
            filled += batch.Features.Values.Length;
        }
        if (values is null)
        {
            values = new float[filled];
            long at = 0;
            foreach (var part in batches!)
            {
                Array.Copy(part, 0, values, at, part.Length);
                at += part.Length;
            }
        }
        else if (filled != values.Length)
            throw new DataFormatException($"the header promises {shape!.Value.Rows} rows but {ids.Count} were read", path,
                remedy: "The file changed while it was read; read it again.");
        return new FeatureMatrix([.. ids], values, dimension);
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
