using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Features;

/// <summary>
/// Collects rows into batches and applies the checks every format shares: one vector length for the
/// whole file, finite values only, unique ids. Keeping them here means every reader reports them the
/// same way (file, 1-based row, column).
/// </summary>
internal sealed class FeatureBatchBuilder : IDisposable
{
    private readonly string path;
    private readonly int batchSize;
    private readonly DuplicateIdCheck? duplicates;
    private readonly List<string> ids = [];
    private readonly List<float> values = [];
    private readonly bool reuseBuffers;
    private readonly Items.ItemShard? shard;
    private readonly List<long> sourceRows = [];
    private long rowsSeen;
    private string[]? reusedIds;
    private float[]? reusedValues;
    private long firstRowOfBatch;
    private long rowsAdded;

    public FeatureBatchBuilder(string path, FeatureReaderOptions options, int? dimension = null)
    {
        this.path = path;
        batchSize = options.BatchSize;
        reuseBuffers = options.ReuseBatchBuffers;
        shard = options.Shard is { Count: > 1 } s ? s : null;
        duplicates = options.RejectDuplicateIds ? new DuplicateIdCheck(options.CheckIdsOnDisk) : null;
        Dimension = dimension;
    }

    /// <summary>The vector length, fixed by the first row unless known up front.</summary>
    public int? Dimension { get; private set; }

    public bool IsFull => this.ids.Count >= batchSize;

    public long RowsAdded => rowsAdded;

    /// <summary>Adds one row after checking it.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="values">The vector.</param>
    /// <param name="row">1-based row for messages.</param>
    /// <param name="columnName">Names the column of vector element i (0-based) in messages.</param>
    public void Add(string id, ReadOnlySpan<float> values, long row, Func<int, string> columnName)
    {
        var sourceRow = rowsSeen++;
        // A row of another shard is that shard's to check; an id repeated in the file hashes to one shard, so its check sees both rows.
        if (shard is not null && !shard.Contains(id)) return;
        if (Dimension is null) Dimension = values.Length;
        else if (values.Length != Dimension)
            throw new DataFormatException($"the vector has {values.Length} values but earlier rows have {Dimension}", this.path, row,
                remedy: "Every row must have the same number of features.");
        if (values.Length == 0) throw new DataFormatException("the vector is empty", this.path, row);
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new DataFormatException($"value {values[i]} is not a finite number", this.path, row, columnName(i),
                    remedy: "Replace NaN/Inf (or values beyond the float32 range) before encoding.");
        CheckId(id, row);
        this.ids.Add(id);
        this.values.AddRange(values);
        if (shard is not null) sourceRows.Add(sourceRow);
        rowsAdded++;
    }

    /// <summary>Checks that <paramref name="id"/> was not seen before (in memory: at once; on disk: see <see cref="FlushLast"/>).</summary>
    public void CheckId(string id, long row)
    {
        if (duplicates?.Add(id, row) is { } repeat) throw Repeated(repeat);
    }

    /// <summary>The last batch (null when empty), once the ids checked on disk are found unique.</summary>
    public FeatureBatch? FlushLast()
    {
        if (duplicates?.Finish() is { } repeat) throw Repeated(repeat);
        return Flush();
    }

    public void Dispose() => duplicates?.Dispose();

    private DataFormatException Repeated(DuplicateIdCheck.Repeat repeat)
        => new($"id '{repeat.Id}' appears twice, in rows {repeat.FirstRow} and {repeat.Row}", this.path, repeat.Row,
            remedy: "Ids must be unique; remove or rename the duplicate.");

    /// <summary>Returns the rows collected so far as a batch and starts a new one; null when empty.</summary>
    public FeatureBatch? Flush()
    {
        if (this.ids.Count == 0) return null;
        var batch = new FeatureBatch(reuseBuffers && this.ids.Count == batchSize ? IntoReusedBuffers()
            : new FeatureMatrix([.. this.ids], [.. this.values], Dimension!.Value), shard is null ? firstRowOfBatch : sourceRows[0])
        {
            SourceRows = shard is null ? null : [.. sourceRows],
        };
        firstRowOfBatch += this.ids.Count;
        this.ids.Clear();
        this.values.Clear();
        sourceRows.Clear();
        return batch;
    }

    // Full batches are copied into the same two arrays each time: a fresh 4,096 × d float array per batch lands on
    // the large-object heap, which the GC lets grow for a long while before it collects it.
    private FeatureMatrix IntoReusedBuffers()
    {
        reusedIds ??= new string[batchSize];
        reusedValues ??= new float[this.values.Count];
        this.ids.CopyTo(reusedIds);
        this.values.CopyTo(reusedValues);
        return new FeatureMatrix(reusedIds, reusedValues, Dimension!.Value);
    }
}
