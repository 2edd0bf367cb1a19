using RqVae.Data.Errors;

namespace RqVae.Data.Features;

/// <summary>
/// Collects rows into batches and applies the checks every format shares: one vector length for the
/// whole file, finite values only, unique ids. Keeping them here means every reader reports them the
/// same way (file, 1-based row, column).
/// </summary>
internal sealed class FeatureBatchBuilder
{
    private readonly string _path;
    private readonly int _batchSize;
    private readonly Dictionary<string, long>? _seenIds;
    private readonly List<string> _ids = [];
    private readonly List<float> _values = [];
    private long _firstRowOfBatch;
    private long _rowsAdded;

    public FeatureBatchBuilder(string path, FeatureReaderOptions options, int? dimension = null)
    {
        _path = path;
        _batchSize = options.BatchSize;
        _seenIds = options.RejectDuplicateIds ? new Dictionary<string, long>(StringComparer.Ordinal) : null;
        Dimension = dimension;
    }

    /// <summary>The vector length, fixed by the first row unless known up front.</summary>
    public int? Dimension { get; private set; }

    public bool IsFull => _ids.Count >= _batchSize;

    public long RowsAdded => _rowsAdded;

    /// <summary>Adds one row after checking it.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="values">The vector.</param>
    /// <param name="row">1-based row for messages.</param>
    /// <param name="columnName">Names the column of vector element i (0-based) in messages.</param>
    public void Add(string id, ReadOnlySpan<float> values, long row, Func<int, string> columnName)
    {
        if (Dimension is null) Dimension = values.Length;
        else if (values.Length != Dimension)
            throw new DataFormatException($"the vector has {values.Length} values but earlier rows have {Dimension}", _path, row,
                remedy: "Every row must have the same number of features.");
        if (values.Length == 0) throw new DataFormatException("the vector is empty", _path, row);
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new DataFormatException($"value {values[i]} is not a finite number", _path, row, columnName(i),
                    remedy: "Replace NaN/Inf (or values beyond the float32 range) before encoding.");
        CheckId(id, row);
        _ids.Add(id);
        _values.AddRange(values);
        _rowsAdded++;
    }

    /// <summary>Adds a row whose values are already checked to be finite (the npy fast path checks in bulk).</summary>
    public void CheckId(string id, long row)
    {
        if (_seenIds is null) return;
        if (!_seenIds.TryAdd(id, row))
            throw new DataFormatException($"id '{id}' appears twice, in rows {_seenIds[id]} and {row}", _path, row,
                remedy: "Ids must be unique; remove or rename the duplicate.");
    }

    /// <summary>Returns the rows collected so far as a batch and starts a new one; null when empty.</summary>
    public FeatureBatch? Flush()
    {
        if (_ids.Count == 0) return null;
        var batch = new FeatureBatch(new FeatureMatrix([.. _ids], [.. _values], Dimension!.Value), _firstRowOfBatch);
        _firstRowOfBatch += _ids.Count;
        _ids.Clear();
        _values.Clear();
        return batch;
    }
}
