using System.Text.Json;
using nietras.SeparatedValues;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Text;

/// <summary>
/// Reads (id, text) pairs from CSV/TSV, JSON Lines or Parquet, joining several text columns when asked.
/// Ids must be unique; a repeated id is reported naming both rows.
/// </summary>
public static class ItemTextReader
{
    /// <summary>Reads all items.</summary>
    public static IReadOnlyList<ItemText> ReadAll(string path, ItemTextReaderOptions? options = null) => [.. Read(path, options)];

    /// <summary>Streams the items in file order.</summary>
    public static IEnumerable<ItemText> Read(string path, ItemTextReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ItemTextReaderOptions();
        options.Validate();
        var format = DataFileFormats.Resolve(path, options.Format);
        InputFile.Check(path, "Text file");
        var rows = format switch
        {
            DataFileFormat.Csv or DataFileFormat.Tsv => CsvRows(path, format, options),
            DataFileFormat.JsonLines => JsonRows(path, options),
            DataFileFormat.Parquet => ParquetRows(path, options),
            _ => throw new DataFormatException($"format {format} cannot hold texts", path),
        };
        return Unique(rows, path, options.IdColumn, options.CheckIdsOnDisk);
    }

    private static IEnumerable<ItemText> Unique(IEnumerable<(ItemText Item, long Row)> rows, string path, string idColumn, bool onDisk)
    {
        using var duplicates = new DuplicateIdCheck(onDisk);
        var any = false;
        foreach (var (item, row) in rows)
        {
            if (duplicates.Add(item.Id, row) is { } repeat) throw Repeated(repeat, path, idColumn);
            any = true;
            yield return item;
        }
        if (!any) throw new DataFormatException("the file has no rows", path, remedy: "Add at least one item.");
        if (duplicates.Finish() is { } late) throw Repeated(late, path, idColumn);
    }

    private static DataFormatException Repeated(DuplicateIdCheck.Repeat repeat, string path, string idColumn)
        => new($"id '{repeat.Id}' appears twice, in rows {repeat.FirstRow} and {repeat.Row}", path, repeat.Row, idColumn,
            remedy: "Ids must be unique; remove or rename the duplicate.");

    private static string Join(IEnumerable<string?> parts, string separator)
        => string.Join(separator, parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));

    private static IEnumerable<(ItemText, long)> CsvRows(string path, DataFileFormat format, ItemTextReaderOptions options)
    {
        using var reader = SepTables.Open(path, format);
        var idIndex = SepTables.IndexOf(reader, options.IdColumn, path, ReaderSetting.IdColumn);
        var textIndexes = options.TextColumns.Select(c => SepTables.IndexOf(reader, c, path, ReaderSetting.TextColumns)).ToArray();
        long rowNumber = 0;
        while (SepTables.MoveNext(reader, path, rowNumber + 1))
        {
            rowNumber++;
            yield return (ParseCsvRow(reader.Current, reader, path, rowNumber, idIndex, textIndexes, options), rowNumber);
        }
    }

    private static ItemText ParseCsvRow(SepReader.Row row, SepReader reader, string path, long rowNumber, int idIndex, int[] textIndexes, ItemTextReaderOptions options)
    {
        SepTables.CheckColumnCount(row, reader, path, rowNumber);
        var id = row[idIndex].ToString().Trim();
        if (id.Length == 0) throw new DataFormatException("the id is empty", path, rowNumber, options.IdColumn);
        var parts = new string[textIndexes.Length];
        for (var i = 0; i < parts.Length; i++) parts[i] = row[textIndexes[i]].ToString();
        return new ItemText(id, Join(parts, options.Separator));
    }

    private static IEnumerable<(ItemText, long)> JsonRows(string path, ItemTextReaderOptions options)
    {
        foreach (var (line, root) in JsonLines.Read(path, options.MaxJsonDepth, options.MaxJsonLineBytes))
        {
            var id = JsonLines.RequiredId(root, options.IdColumn, path, line, ReaderSetting.IdColumn);
            var parts = new List<string?>(options.TextColumns.Count);
            foreach (var field in options.TextColumns)
            {
                if (!root.TryGetProperty(field, out var value))
                    throw new DataFormatException($"field '{field}' is missing", path, line, field, setting: ReaderSetting.TextColumns);
                parts.Add(value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => throw new DataFormatException($"field '{field}' is a {value.ValueKind}; expected text", path, line, field),
                });
            }
            yield return (new ItemText(id, Join(parts, options.Separator)), line);
        }
    }

    private static IEnumerable<(ItemText, long)> ParquetRows(string path, ItemTextReaderOptions options)
    {
        var reader = ParquetTables.Open(path);
        try
        {
            var idField = ParquetTables.FlatField(reader, options.IdColumn, path, ReaderSetting.IdColumn);
            var textFields = options.TextColumns.Select(c => ParquetTables.FlatField(reader, c, path, ReaderSetting.TextColumns)).ToArray();
            foreach (var field in textFields)
                if (!ParquetTables.IsText(field))
                    throw new DataFormatException($"column '{field.Name}' holds {field.ClrType.Name}, not text", path, column: field.Name);
            long firstRow = 0;
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                var rows = ParquetTables.RowCount(reader, group, path);
                var ids = ParquetTables.ReadIds(reader, group, idField, path, firstRow);
                var texts = textFields.Select(f => ParquetTables.ReadStrings(reader, group, f, path)).ToArray();
                for (var r = 0; r < rows; r++)
                    yield return (new ItemText(ids[r], Join(texts.Select(t => t[r]), options.Separator)), firstRow + r + 1);
                firstRow += rows;
            }
        }
        finally
        {
            ParquetTables.Close(reader);
        }
    }
}
