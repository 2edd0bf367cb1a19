using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using RqVae.Data.IO;
using RqVae.Data.Npy;
using RqVae.IO;

namespace RqVae.Data.Features;

/// <summary>
/// Writes item vectors in a format the feature readers read back: .npy (+ <c>name.ids.txt</c>), CSV/TSV
/// (id, f0 … f{d-1}), Parquet (id + one float column per dimension) or JSON Lines
/// (<c>{"id": …, "features": [...]}</c>). Every file is written to a temporary name and renamed.
/// </summary>
public static class FeatureFileWriter
{
    /// <summary>The files written beside the vectors file: a .npy's ids.</summary>
    public static string[] Companions(string path, DataFileFormat format)
        => DataFileFormats.Resolve(path, format) == DataFileFormat.Npy ? [NpyIdsSidecar.PathFor(path)] : [];

    /// <summary>Writes the vectors of <paramref name="ids"/> (row-major, <paramref name="dimension"/> values each) to <paramref name="path"/>.</summary>
    public static void Write(string path, DataFileFormat format, IReadOnlyList<string> ids, float[] values, int dimension)
    {
        format = DataFileFormats.Resolve(path, format);
        switch (format)
        {
            case DataFileFormat.Npy:
                // Ids first: a .npy without its ids would silently fall back to row numbers.
                AtomicFile.WriteAllText(NpyIdsSidecar.PathFor(path), string.Join('\n', ids) + "\n");
                NpyFeatureWriter.Write(path, values, dimension);
                break;
            case DataFileFormat.Csv or DataFileFormat.Tsv:
                AtomicFile.Write(path, stream => WriteSeparated(stream, format == DataFileFormat.Tsv ? '\t' : ',', ids, values, dimension));
                break;
            case DataFileFormat.JsonLines:
                AtomicFile.Write(path, stream => WriteJsonLines(stream, ids, values, dimension));
                break;
            case DataFileFormat.Parquet:
                AtomicFile.Write(path, stream => WriteParquet(stream, ids, values, dimension));
                break;
            default:
                throw new ArgumentException($"Vectors cannot be written as {format}; use .npy, .csv, .tsv, .parquet or .jsonl.", nameof(format));
        }
    }

    private static string Column(int j) => "f" + j.ToString(CultureInfo.InvariantCulture);

    private static void WriteSeparated(Stream stream, char separator, IReadOnlyList<string> ids, float[] values, int dimension)
    {
        using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        using var writer = Sep.Writer(o => o with { Sep = new Sep(separator), CultureInfo = CultureInfo.InvariantCulture, Escape = true }).To(text, leaveOpen: true);
        var names = Enumerable.Range(0, dimension).Select(Column).ToArray();
        for (var r = 0; r < ids.Count; r++)
        {
            using var row = writer.NewRow();
            row["id"].Set(ids[r]);
            for (var j = 0; j < dimension; j++) row[names[j]].Set(values[r * dimension + j].ToString("R", CultureInfo.InvariantCulture));
        }
        writer.Flush();
        text.Flush();
    }

    private static void WriteJsonLines(Stream stream, IReadOnlyList<string> ids, float[] values, int dimension)
    {
        for (var r = 0; r < ids.Count; r++)
        {
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("id", ids[r]);
                json.WriteStartArray("features");
                for (var j = 0; j < dimension; j++) json.WriteNumberValue(values[r * dimension + j]);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
    }

    /// <summary>
    /// Rows per Parquet row group. The feature reader reads a row group's columns whole, so its memory is bounded by
    /// the largest row group of its input: groups of this size keep a file written here streamable, however many rows.
    /// </summary>
    private const int ParquetRowGroupRows = 65536;

    private static void WriteParquet(Stream stream, IReadOnlyList<string> ids, float[] values, int dimension)
    {
        var idField = new DataField<string>("id", false);
        var columns = Enumerable.Range(0, dimension).Select(j => new DataField<float>(Column(j))).ToArray();
        Task.Run(async () =>
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema([idField, .. columns]), stream).ConfigureAwait(false);
            var column = new float[Math.Min(ids.Count, ParquetRowGroupRows)];
            for (var start = 0; start < ids.Count; start += ParquetRowGroupRows)
            {
                var rows = Math.Min(ParquetRowGroupRows, ids.Count - start);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(idField, ids.Skip(start).Take(rows).ToArray()).ConfigureAwait(false);
                for (var j = 0; j < dimension; j++)
                {
                    for (var r = 0; r < rows; r++) column[r] = values[(start + r) * dimension + j];
                    await group.WriteAsync<float>(columns[j], column.AsMemory(0, rows), null).ConfigureAwait(false);
                }
            }
        }).GetAwaiter().GetResult();
    }
}
