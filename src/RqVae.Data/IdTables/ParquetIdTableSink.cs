using Parquet;
using Parquet.Schema;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>
/// Writes an id table as Parquet (item_id: string, c0..: int32), buffering rows into row groups of a
/// fixed size so memory does not grow with the table. The buffers (the ids and one column per level) are
/// filled column-wise as rows arrive and reused for every row group, so writing a group allocates only
/// what Parquet.Net itself needs to encode it.
/// </summary>
internal sealed class ParquetIdTableSink : IIdTableSink
{
    /// <summary>Footer metadata key under which the model hash is stored.</summary>
    public const string ModelHashKey = "rqvae.model_hash";

    private readonly ParquetWriter writer;
    private readonly DataField<string> idField;
    private readonly DataField<int>[] codeFields;
    private readonly int rowGroupSize;
    private readonly List<string> ids = [];
    private readonly int[][] columns;

    public ParquetIdTableSink(Stream stream, int levels, int rowGroupSize, string? modelHash)
    {
        this.rowGroupSize = rowGroupSize;
        idField = new DataField<string>(IdTableColumns.ItemId, false);
        codeFields = [.. Enumerable.Range(0, levels).Select(l => new DataField<int>(IdTableColumns.Code(l)))];
        columns = [.. codeFields.Select(_ => new int[Math.Min(rowGroupSize, 4096)])];
        var schema = new ParquetSchema([idField, .. codeFields]);
        this.writer = Task.Run(() => ParquetWriter.CreateAsync(schema, stream)).GetAwaiter().GetResult();
        if (modelHash is not null) this.writer.CustomMetadata = new Dictionary<string, string> { [ModelHashKey] = modelHash };
    }

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        var levels = codeFields.Length;
        for (var r = 0; r < ids.Count; r++)
        {
            var row = this.ids.Count;
            if (row == columns[0].Length)
                for (var l = 0; l < levels; l++) Array.Resize(ref columns[l], (int)Math.Min(rowGroupSize, 2L * row));
            this.ids.Add(ids[r]);
            for (var l = 0; l < levels; l++) columns[l][row] = codes[r * levels + l];
            if (this.ids.Count >= this.rowGroupSize) WriteRowGroup();
        }
    }

    private void WriteRowGroup()
    {
        if (this.ids.Count == 0) return;
        var rows = this.ids.Count;
        Task.Run(async () =>
        {
            using var group = this.writer.CreateRowGroup();
            await group.WriteAsync(idField, this.ids).ConfigureAwait(false);
            for (var l = 0; l < codeFields.Length; l++)
                await group.WriteAsync<int>(codeFields[l], columns[l].AsMemory(0, rows), null).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
        this.ids.Clear();
    }

    public void Finish()
    {
        WriteRowGroup();
        Task.Run(async () => await this.writer.DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();
    }

    public void Dispose() => ParquetWriterCloser.TryClose(this.writer);

    private static class ParquetWriterCloser
    {
        public static void TryClose(ParquetWriter writer)
        {
            try { Task.Run(async () => await writer.DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        }
    }
}
