using Parquet;
using Parquet.Schema;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>
/// Writes an id table as Parquet (item_id: string, c0..: int32), buffering rows into row groups of a
/// fixed size so memory does not grow with the table.
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
    private readonly List<int> codes = [];

    public ParquetIdTableSink(Stream stream, int levels, int rowGroupSize, string? modelHash)
    {
        this.rowGroupSize = rowGroupSize;
        idField = new DataField<string>(IdTableColumns.ItemId, false);
        codeFields = [.. Enumerable.Range(0, levels).Select(l => new DataField<int>(IdTableColumns.Code(l)))];
        var schema = new ParquetSchema([idField, .. codeFields]);
        this.writer = Task.Run(() => ParquetWriter.CreateAsync(schema, stream)).GetAwaiter().GetResult();
        if (modelHash is not null) this.writer.CustomMetadata = new Dictionary<string, string> { [ModelHashKey] = modelHash };
    }

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        var levels = codeFields.Length;
        for (var r = 0; r < ids.Count; r++)
        {
            this.ids.Add(ids[r]);
            this.codes.AddRange(codes.Slice(r * levels, levels));
            if (this.ids.Count >= this.rowGroupSize) WriteRowGroup();
        }
    }

    private void WriteRowGroup()
    {
        if (this.ids.Count == 0) return;
        var levels = codeFields.Length;
        var ids = this.ids.ToArray();
        var columns = new int[levels][];
        for (var l = 0; l < levels; l++)
        {
            columns[l] = new int[ids.Length];
            for (var r = 0; r < ids.Length; r++) columns[l][r] = this.codes[r * levels + l];
        }
        Task.Run(async () =>
        {
            using var group = this.writer.CreateRowGroup();
            await group.WriteAsync(idField, ids).ConfigureAwait(false);
            for (var l = 0; l < levels; l++)
                await group.WriteAsync<int>(codeFields[l], columns[l].AsMemory(), null).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
        this.ids.Clear();
        this.codes.Clear();
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
