using System.Buffers.Binary;
using RqVae.Data.Features;
using RqVae.Data.IO;

namespace RqVae.Data.Npy;

/// <summary>
/// Writes a 2-D float32 .npy file (C order, little-endian) row block by row block, atomically: the
/// file appears under its name only after <see cref="Complete"/>. The header has a fixed size and is
/// rewritten with the final row count at the end, so the number of rows need not be known up front.
/// </summary>
public sealed class NpyFeatureWriter : IDisposable
{
    private const int HeaderBytes = 128;
    private readonly AtomicOutputFile output;
    private readonly byte[] buffer = new byte[1 << 16];
    private long rows;
    private bool completed;

    /// <summary>Starts writing <paramref name="path"/> with vectors of length <paramref name="dimension"/>.</summary>
    public NpyFeatureWriter(string path, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        output = new AtomicOutputFile(path);
        output.Stream.Write(NpyHeader.Build(0, dimension, HeaderBytes));
    }

    /// <summary>Length of each vector.</summary>
    public int Dimension { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows => this.rows;

    /// <summary>Appends whole rows (row-major; the length must be a multiple of <see cref="Dimension"/>).</summary>
    public void WriteRows(ReadOnlySpan<float> values)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        if (values.Length % Dimension != 0)
            throw new ArgumentException($"{values.Length} values is not a whole number of rows of {Dimension}.", nameof(values));
        var perChunk = buffer.Length / 4;
        for (var start = 0; start < values.Length; start += perChunk)
        {
            var chunk = values.Slice(start, Math.Min(perChunk, values.Length - start));
            for (var i = 0; i < chunk.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), chunk[i]);
            output.Stream.Write(buffer, 0, chunk.Length * 4);
        }
        this.rows += values.Length / Dimension;
    }

    /// <summary>Writes the final header and moves the file into place.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(completed, this);
        output.Stream.Position = 0;
        output.Stream.Write(NpyHeader.Build(this.rows, Dimension, HeaderBytes));
        output.Commit();
        completed = true;
    }

    /// <summary>Abandons the file unless <see cref="Complete"/> was called.</summary>
    public void Dispose() => output.Dispose();

    /// <summary>Writes a whole matrix atomically.</summary>
    public static void Write(string path, ReadOnlySpan<float> values, int dimension)
    {
        using var writer = new NpyFeatureWriter(path, dimension);
        writer.WriteRows(values);
        writer.Complete();
    }

    /// <summary>Writes the values of a feature matrix atomically (ids are not stored in .npy).</summary>
    public static void Write(string path, FeatureMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Write(path, matrix.Values, matrix.Dimension);
    }
}
