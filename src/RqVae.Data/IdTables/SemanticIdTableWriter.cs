using System.Text.Json;
using RqVae.Data.IO;
using RqVae.IO;

using RqVae.SemanticIds;

namespace RqVae.Data.IdTables;

/// <summary>
/// Writes a semantic-id table (<c>item_id, c0 .. c{L-1}</c>) as CSV, TSV, Parquet or JSON Lines,
/// batch by batch so memory does not grow with the number of items, and atomically: the file
/// appears under its name only when <see cref="Complete"/> succeeds.
/// </summary>
public sealed class SemanticIdTableWriter : IDisposable
{
    private readonly AtomicOutputFile output;
    private readonly IIdTableSink sink;
    private readonly SemanticIdTableWriterOptions options;
    private readonly DataFileFormat format;
    private bool completed;

    /// <summary>Starts writing <paramref name="path"/> with <paramref name="levels"/> codes per item.</summary>
    public SemanticIdTableWriter(string path, int levels, SemanticIdTableWriterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        this.options = options ?? new SemanticIdTableWriterOptions();
        this.options.Validate();
        format = DataFileFormats.Resolve(path, this.options.Format);
        if (format == DataFileFormat.Npy) throw new ArgumentException("Semantic-id tables cannot be written as .npy.", nameof(path));
        Levels = levels;
        output = new AtomicOutputFile(path);
        try
        {
            sink = format switch
            {
                DataFileFormat.Csv or DataFileFormat.Tsv => new CsvIdTableSink(output.Stream, levels, format),
                DataFileFormat.JsonLines => new JsonLinesIdTableSink(output.Stream, levels),
                _ => new ParquetIdTableSink(output.Stream, levels, this.options.ParquetRowGroupSize, this.options.ModelHash),
            };
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Codes per item.</summary>
    public int Levels { get; }

    /// <summary>Rows written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends items: <paramref name="ids"/>[i] gets <paramref name="codes"/>[i*Levels .. (i+1)*Levels).</summary>
    /// <exception cref="ArgumentException">Sizes disagree, an id is empty, or a code is negative.</exception>
    public void WriteBatch(IReadOnlyList<string> ids, ReadOnlySpan<int> codes)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        ArgumentNullException.ThrowIfNull(ids);
        if ((long)ids.Count * Levels != codes.Length)
            throw new ArgumentException($"{ids.Count} ids × {Levels} levels ≠ {codes.Length} codes.", nameof(codes));
        for (var i = 0; i < ids.Count; i++)
            if (string.IsNullOrEmpty(ids[i]) || ids[i].Contains('\n') || ids[i].Contains('\r'))
                throw new ArgumentException($"Id at position {i} is empty or contains a line break.", nameof(ids));
        foreach (var code in codes)
            if (code < 0) throw new ArgumentException($"Codes must be non-negative; found {code}.", nameof(codes));
        sink.Write(ids, codes);
        Rows += ids.Count;
    }

    /// <summary>Finishes the file and moves it into place; writes the sidecar <c>.meta.json</c> when a model hash is set.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(completed, this);
        sink.Finish();
        sink.Dispose();
        output.Commit();
        completed = true;
        if (this.options.ModelHash is { } hash)
        {
            var meta = new IdTableMetadata(format.ToString(), Levels, Rows, hash);
            AtomicFile.WriteAllText(IdTableMetadata.SidecarPath(output.Path), JsonSerializer.Serialize(meta, IdTableMetadata.JsonOptions));
        }
    }

    /// <summary>Abandons the file unless <see cref="Complete"/> was called.</summary>
    public void Dispose()
    {
        if (completed) return;
        sink.Dispose();
        output.Dispose();
    }

    /// <summary>Writes a whole table atomically.</summary>
    public static void Write(string path, SemanticIdTable table, SemanticIdTableWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new SemanticIdTableWriterOptions();
        if (options.ModelHash is null && table.ModelHash is not null) options = options with { ModelHash = table.ModelHash };
        using var writer = new SemanticIdTableWriter(path, table.Levels, options);
        writer.WriteBatch(table.ItemIds ?? throw new ArgumentException("The table holds codes only; writing it needs the item id of every row.", nameof(table)), table.Codes);
        writer.Complete();
    }
}
