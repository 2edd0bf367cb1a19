using RqVae.Data.Errors;

namespace RqVae.Data.Features;

/// <summary>
/// Collects rows into batches and applies the checks every format shares: one vector length for the
/// whole file, finite values only, unique ids. Keeping them here means every reader reports them the
/// same way (file, 1-based row, column).
/// </summary>
internal sealed class FeatureBatchBuilder
{
    private readonly string path;
    private readonly int batchSize;
    private readonly Dictionary<string, long>? seenIds;
    private readonly List<string> ids = [];
    private readonly List<float> values = [];
    private long firstRowOfBatch;
    private long rowsAdded;

    public FeatureBatchBuilder(string path, FeatureReaderOptions options, int? dimension = null)
    {
        this.path = path;
        batchSize = options.BatchSize;
        seenIds = options.RejectDuplicateIds ? new Dictionary<string, long>(StringComparer.Ordinal) : null;
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
        rowsAdded++;
    }

    /// <summary>Adds a row whose values are already checked to be finite (the npy fast path checks in bulk).</summary>
    public void CheckId(string id, long row)
    {
        if (seenIds is null) return;
        if (!seenIds.TryAdd(id, row))
            throw new DataFormatException($"id '{id}' appears twice, in rows {seenIds[id]} and {row}", this.path, row,
                remedy: "Ids must be unique; remove or rename the duplicate.");
    }

    /// <summary>Returns the rows collected so far as a batch and starts a new one; null when empty.</summary>
    public FeatureBatch? Flush()
    {
        if (this.ids.Count == 0) return null;
        var batch = new FeatureBatch(new FeatureMatrix([.. this.ids], [.. this.values], Dimension!.Value), firstRowOfBatch);
        firstRowOfBatch += this.ids.Count;
        this.ids.Clear();
        this.values.Clear();
        return batch;
    }
}
