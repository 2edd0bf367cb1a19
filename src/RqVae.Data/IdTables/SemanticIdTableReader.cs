using System.Globalization;
using System.Text.Json;
using nietras.SeparatedValues;
using RqVae.Data.Errors;
using RqVae.Data.IO;

using RqVae.SemanticIds;

namespace RqVae.Data.IdTables;

/// <summary>
/// Reads semantic-id tables written by <see cref="SemanticIdTableWriter"/> (or by hand): columns
/// <c>item_id, c0 .. c{L-1}</c> with non-negative integer codes and unique ids. The model hash is
/// taken from the Parquet footer or the sidecar <c>.meta.json</c> when present.
/// </summary>
public static class SemanticIdTableReader
{
    /// <summary>Reads the whole table.</summary>
    public static SemanticIdTable Read(string path, DataFileFormat format = DataFileFormat.Auto)
    {
        var ids = new List<string>();
        var codes = new List<int>();
        var levels = 0;
        string? hash = null;
        foreach (var batch in ReadBatches(path, 65536, format))
        {
            levels = batch.Levels;
            hash = batch.ModelHash;
            ids.AddRange(batch.ItemIds!);
            codes.AddRange(batch.Codes);
        }
        return new SemanticIdTable([.. ids], [.. codes], levels, hash);
    }

    /// <summary>Streams the table in batches of <paramref name="batchSize"/> rows (each batch a small table).</summary>
    public static IEnumerable<SemanticIdTable> ReadBatches(string path, int batchSize = 65536, DataFileFormat format = DataFileFormat.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var resolved = DataFileFormats.Resolve(path, format);
        InputFile.Check(path, "Id table");
        var hash = ReadSidecarHash(path);
        return resolved switch
        {
            DataFileFormat.Csv or DataFileFormat.Tsv => Batch(CsvRows(path, resolved), path, batchSize, hash),
            DataFileFormat.JsonLines => Batch(JsonRows(path), path, batchSize, hash),
            DataFileFormat.Parquet => Batch(ParquetRows(path, ref hash), path, batchSize, hash),
            _ => throw new DataFormatException($"format {resolved} cannot hold an id table", path),
        };
    }

    private static string? ReadSidecarHash(string path)
    {
        var sidecar = IdTableMetadata.SidecarPath(path);
        if (!File.Exists(sidecar)) return null;
        InputFile.Check(sidecar, "Id table metadata");
        try
        {
            return JsonSerializer.Deserialize<IdTableMetadata>(File.ReadAllText(sidecar, StrictUtf8.Encoding), IdTableMetadata.JsonOptions)?.ModelHash;
        }
        catch (Exception e) when (e is JsonException or System.Text.DecoderFallbackException or NotSupportedException)
        {
            throw new DataFormatException($"the metadata sidecar is not valid: {e.Message}", sidecar, innerException: e,
                remedy: "Delete the .meta.json file or write the table again.");
        }
    }

    private readonly record struct IdRow(string Id, int[] Codes, long Row);

    private static IEnumerable<SemanticIdTable> Batch(IEnumerable<IdRow> rows, string path, int batchSize, string? hash)
    {
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var ids = new List<string>();
        var codes = new List<int>();
        var levels = -1;
        foreach (var row in rows)
        {
            if (levels < 0) levels = row.Codes.Length;
            if (!seen.TryAdd(row.Id, row.Row))
                throw new DataFormatException($"id '{row.Id}' appears twice, in rows {seen[row.Id]} and {row.Row}", path, row.Row, IdTableColumns.ItemId);
            ids.Add(row.Id);
            codes.AddRange(row.Codes);
            if (ids.Count >= batchSize)
            {
                yield return new SemanticIdTable([.. ids], [.. codes], levels, hash);
                ids.Clear();
                codes.Clear();
            }
        }
        if (levels < 0) throw new DataFormatException("the table has no rows", path, remedy: "Write at least one item.");
        if (ids.Count > 0) yield return new SemanticIdTable([.. ids], [.. codes], levels, hash);
    }

    private static int CheckHeader(IReadOnlyList<string> names, string path)
    {
        if (names.Count < 2 || names[0] != IdTableColumns.ItemId)
            throw new DataFormatException($"expected columns item_id, c0, c1, ...; found {string.Join(", ", names)}", path,
                column: names.Count > 0 ? names[0] : IdTableColumns.ItemId, remedy: "Write the table with SemanticIdTableWriter.");
        for (var l = 0; l < names.Count - 1; l++)
            if (names[l + 1] != IdTableColumns.Code(l))
                throw new DataFormatException($"expected column '{IdTableColumns.Code(l)}', found '{names[l + 1]}'", path, column: names[l + 1]);
        return names.Count - 1;
    }

    private static int ParseCode(ReadOnlySpan<char> text, string path, long row, int level)
        => int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code
            : throw new DataFormatException($"'{(text.Length > 40 ? string.Concat(text[..40], "…") : text.ToString())}' is not a non-negative integer code", path, row, IdTableColumns.Code(level));

    private static IEnumerable<IdRow> CsvRows(string path, DataFileFormat format)
    {
        using var reader = SepTables.Open(path, format);
        var levels = CheckHeader(reader.Header.ColNames, path);
        long rowNumber = 0;
        while (SepTables.MoveNext(reader, path, rowNumber + 1))
        {
            rowNumber++;
            yield return ParseCsvRow(reader.Current, reader, path, rowNumber, levels);
        }
    }

    private static IdRow ParseCsvRow(SepReader.Row row, SepReader reader, string path, long rowNumber, int levels)
    {
        SepTables.CheckColumnCount(row, reader, path, rowNumber);
        var id = row[0].ToString();
        if (string.IsNullOrWhiteSpace(id)) throw new DataFormatException("the id is empty", path, rowNumber, IdTableColumns.ItemId);
        var codes = new int[levels];
        for (var l = 0; l < levels; l++) codes[l] = ParseCode(row[l + 1].Span, path, rowNumber, l);
        return new IdRow(id, codes, rowNumber);
    }

    private static IEnumerable<IdRow> JsonRows(string path)
    {
        var levels = -1;
        foreach (var (line, root) in JsonLines.Read(path, maxDepth: 4))
        {
            var id = JsonLines.RequiredId(root, IdTableColumns.ItemId, path, line);
            if (levels < 0)
            {
                var names = root.EnumerateObject().Select(p => p.Name).ToList();
                levels = CheckHeader(names, path);
            }
            var codes = new int[levels];
            for (var l = 0; l < levels; l++)
            {
                var value = JsonLines.Required(root, IdTableColumns.Code(l), JsonValueKind.Number, path, line);
                if (!value.TryGetInt32(out codes[l]) || codes[l] < 0)
                    throw new DataFormatException($"{value.GetRawText()} is not a non-negative integer code", path, line, IdTableColumns.Code(l));
            }
            if (root.EnumerateObject().Count() != levels + 1)
                throw new DataFormatException($"the object has fields other than item_id and c0..c{levels - 1}", path, line);
            yield return new IdRow(id, codes, line);
        }
    }

    private static IEnumerable<IdRow> ParquetRows(string path, ref string? hash)
    {
        var reader = ParquetTables.Open(path);
        if (reader.CustomMetadata?.TryGetValue(ParquetIdTableSink.ModelHashKey, out var stored) == true) hash ??= stored;
        return ParquetRowsCore(reader, path);
    }

    private static IEnumerable<IdRow> ParquetRowsCore(Parquet.ParquetReader reader, string path)
    {
        try
        {
            var names = reader.Schema.GetDataFields().Select(f => f.Path.ToString()).ToList();
            var levels = CheckHeader(names, path);
            var idField = ParquetTables.FlatField(reader, IdTableColumns.ItemId, path);
            var codeFields = Enumerable.Range(0, levels).Select(l => ParquetTables.FlatField(reader, IdTableColumns.Code(l), path)).ToArray();
            long firstRow = 0;
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                var rows = ParquetTables.RowCount(reader, group, path);
                var ids = ParquetTables.ReadIds(reader, group, idField, path, firstRow);
                var columns = codeFields.Select(f => ParquetTables.ReadNumbers(reader, group, f, path)).ToArray();
                for (var r = 0; r < rows; r++)
                {
                    var codes = new int[levels];
                    for (var l = 0; l < levels; l++)
                    {
                        var value = columns[l][r];
                        if (value is not { } v || v < 0 || v > int.MaxValue || v != Math.Floor(v))
                            throw new DataFormatException($"{(value?.ToString(CultureInfo.InvariantCulture) ?? "null")} is not a non-negative integer code", path, firstRow + r + 1, IdTableColumns.Code(l));
                        codes[l] = (int)v;
                    }
                    yield return new IdRow(ids[r], codes, firstRow + r + 1);
                }
                firstRow += rows;
            }
        }
        finally
        {
            ParquetTables.Close(reader);
        }
    }
}
