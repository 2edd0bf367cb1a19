using System.Buffers.Binary;
using System.Text.Json;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>
/// Writes a <see cref="ShardSidecar"/> batch by batch beside a shard's ID table, atomically: the file appears only
/// when <see cref="Complete"/> succeeds.
/// </summary>
public sealed class ShardSidecarWriter : IDisposable
{
    private readonly AtomicOutputFile output;
    private readonly ShardSidecarHeader header;
    private readonly byte[] record;
    private long rows;
    private bool completed;

    /// <summary>Starts the sidecar of the table at <paramref name="tablePath"/>.</summary>
    /// <param name="tablePath">The shard's ID table (the sidecar is <see cref="ShardSidecar.PathFor"/> it).</param>
    /// <param name="modelHash">The model's identity, as in the table.</param>
    /// <param name="shard">Which shard, "i/N".</param>
    /// <param name="levels">Codes per item in the table.</param>
    /// <param name="lastCodebook">The last level's code vectors as the model uses them, row-major [K, D].</param>
    /// <param name="residualDimension">D.</param>
    public ShardSidecarWriter(string tablePath, string modelHash, string shard, int levels, ReadOnlySpan<float> lastCodebook, int residualDimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelHash);
        ArgumentException.ThrowIfNullOrEmpty(shard);
        ArgumentOutOfRangeException.ThrowIfLessThan(residualDimension, 1);
        if (lastCodebook.Length == 0 || lastCodebook.Length % residualDimension != 0)
            throw new ArgumentException($"The last codebook must be [K, {residualDimension}]; got {lastCodebook.Length} values.", nameof(lastCodebook));
        header = new ShardSidecarHeader(ShardSidecarHeader.CurrentVersion, modelHash, shard, levels, 0, residualDimension, lastCodebook.Length / residualDimension);
        record = new byte[8 + 4 * residualDimension];
        output = new AtomicOutputFile(ShardSidecar.PathFor(tablePath));
        output.Stream.Write(ShardSidecar.Magic);
        var bytes = new byte[lastCodebook.Length * 4];
        for (var i = 0; i < lastCodebook.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), lastCodebook[i]);
        output.Stream.Write(bytes);
    }

    /// <summary>Appends rows in the table's order: each one's 0-based catalogue row and last-level residual ([count, D]).</summary>
    public void WriteBatch(IReadOnlyList<long> catalogueRows, ReadOnlySpan<float> residuals)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        ArgumentNullException.ThrowIfNull(catalogueRows);
        var d = header.ResidualDimension;
        if ((long)catalogueRows.Count * d != residuals.Length)
            throw new ArgumentException($"{catalogueRows.Count} rows × {d} ≠ {residuals.Length} residual values.", nameof(residuals));
        for (var i = 0; i < catalogueRows.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(record, catalogueRows[i]);
            for (var j = 0; j < d; j++) BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(8 + 4 * j), residuals[i * d + j]);
            output.Stream.Write(record);
        }
        rows += catalogueRows.Count;
    }

    /// <summary>Writes the header and moves the file into place.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(completed, this);
        var json = JsonSerializer.SerializeToUtf8Bytes(header with { Rows = rows }, ShardSidecar.JsonOptions);
        output.Stream.Write(json);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        output.Stream.Write(length);
        output.Stream.Write(ShardSidecar.Magic);
        output.Commit();
        completed = true;
    }

    /// <summary>Abandons the file unless <see cref="Complete"/> was called.</summary>
    public void Dispose()
    {
        if (!completed) output.Dispose();
    }
}
