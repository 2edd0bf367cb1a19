using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.IO;

namespace RqVae.Data.Npy;

/// <summary>Streams a 2-D float .npy file in row blocks, so memory stays bounded by the batch size.</summary>
internal static class NpyFeatureReader
{
    private const long MaxBatchBytes = 64L << 20;

    public static IEnumerable<FeatureBatch> Read(string path, FeatureReaderOptions options)
    {
        using var stream = InputFile.OpenRead(path, 1 << 16, "Feature file");
        var header = NpyHeader.Read(stream, path, options.MaxDimension);
        using var ids = options.IdsPath is null ? null : new NpyIdsFile(options.IdsPath, header.Rows);
        // Without an ids file the ids are the row numbers, unique by construction: nothing to check.
        using var builder = new FeatureBatchBuilder(path, ids is null ? options with { RejectDuplicateIds = false } : options, header.Dimension);

        var rowsPerBlock = (int)Math.Clamp(Math.Min(options.BatchSize, MaxBatchBytes / header.RowBytes), 1, int.MaxValue);
        var buffer = new byte[rowsPerBlock * header.RowBytes];
        var row = new float[header.Dimension];
        stream.Position = header.DataOffset;
        for (long done = 0; done < header.Rows;)
        {
            var count = (int)Math.Min(rowsPerBlock, header.Rows - done);
            ReadBlock(stream, buffer, (int)(count * header.RowBytes), path, done);
            for (var r = 0; r < count; r++)
            {
                Decode(buffer.AsSpan((int)(r * header.RowBytes), (int)header.RowBytes), row, header);
                var rowNumber = done + r + 1;
                var id = ids?.Next() ?? (done + r).ToString(CultureInfo.InvariantCulture);
                builder.Add(id, row, rowNumber, i => (i + 1).ToString(CultureInfo.InvariantCulture));
                if (builder.IsFull) yield return builder.Flush()!;
            }
            done += count;
        }
        ids?.CheckEnd();
        if (builder.FlushLast() is { } last) yield return last;
        if (header.Rows == 0)
            throw new DataFormatException("the array has no rows", path, remedy: "Write at least one item.");
    }

    private static void ReadBlock(Stream stream, byte[] buffer, int length, string path, long rowsDone)
    {
        try
        {
            stream.ReadExactly(buffer, 0, length);
        }
        catch (EndOfStreamException e)
        {
            // The length was checked up front; this only happens if the file shrinks while being read.
            throw new DataFormatException("the file ended early", path, rowsDone + 1, innerException: e);
        }
    }

    private static void Decode(ReadOnlySpan<byte> source, Span<float> target, NpyHeader header)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = (header.ItemSize, header.BigEndian) switch
            {
                (4, false) => BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4, 4)),
                (4, true) => BinaryPrimitives.ReadSingleBigEndian(source.Slice(i * 4, 4)),
                (_, false) => (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8, 8)),
                (_, true) => (float)BinaryPrimitives.ReadDoubleBigEndian(source.Slice(i * 8, 8)),
            };
        }
    }
}
