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

    private readonly ParquetWriter _writer;
    private readonly DataField<string> _idField;
    private readonly DataField<int>[] _codeFields;
    private readonly int _rowGroupSize;
    private readonly List<string> _ids = [];
    private readonly List<int> _codes = [];

    public ParquetIdTableSink(Stream stream, int levels, int rowGroupSize, string? modelHash)
    {
        _rowGroupSize = rowGroupSize;
        _idField = new DataField<string>(IdTableColumns.ItemId, false);
        _codeFields = [.. Enumerable.Range(0, levels).Select(l => new DataField<int>(IdTableColumns.Code(l)))];
        var schema = new ParquetSchema([_idField, .. _codeFields]);
        _writer = Task.Run(() => ParquetWriter.CreateAsync(schema, stream)).GetAwaiter().GetResult();
        if (modelHash is not null) _writer.CustomMetadata = new Dictionary<string, string> { [ModelHashKey] = modelHash };
    }

    public void Write(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        var levels = _codeFields.Length;
        for (var r = 0; r < ids.Count; r++)
        {
            _ids.Add(ids[r]);
            _codes.AddRange(codes.Slice(r * levels, levels));
            if (_ids.Count >= _rowGroupSize) WriteRowGroup();
        }
    }

    private void WriteRowGroup()
    {
        if (_ids.Count == 0) return;
        var levels = _codeFields.Length;
        var ids = _ids.ToArray();
        var columns = new int[levels][];
        for (var l = 0; l < levels; l++)
        {
            columns[l] = new int[ids.Length];
            for (var r = 0; r < ids.Length; r++) columns[l][r] = _codes[r * levels + l];
        }
        Task.Run(async () =>
        {
            using var group = _writer.CreateRowGroup();
            await group.WriteAsync(_idField, ids).ConfigureAwait(false);
            for (var l = 0; l < levels; l++)
                await group.WriteAsync<int>(_codeFields[l], columns[l].AsMemory(), null).ConfigureAwait(false);
        }).GetAwaiter().GetResult();
        _ids.Clear();
        _codes.Clear();
    }

    public void Finish()
    {
        WriteRowGroup();
        Task.Run(async () => await _writer.DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();
    }

    public void Dispose() => ParquetWriterCloser.TryClose(_writer);

    private static class ParquetWriterCloser
    {
        public static void TryClose(ParquetWriter writer)
        {
            try { Task.Run(async () => await writer.DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        }
    }
}
