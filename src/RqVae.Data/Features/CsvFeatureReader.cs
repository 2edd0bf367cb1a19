using System.Globalization;
using nietras.SeparatedValues;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Features;

/// <summary>Streams CSV/TSV feature rows: an id column plus numeric feature columns.</summary>
internal static class CsvFeatureReader
{
    public static IEnumerable<FeatureBatch> Read(string path, FeatureReaderOptions options, DataFileFormat format)
    {
        using var reader = SepTables.Open(path, format);
        var idIndex = SepTables.IndexOf(reader, options.IdColumn, path, ReaderSetting.IdColumn);
        var featureIndexes = options.FeatureColumns is { } named
            ? named.Select(n => SepTables.IndexOf(reader, n, path, ReaderSetting.FeatureColumns)).ToArray()
            : Enumerable.Range(0, reader.Header.ColNames.Count).Where(i => i != idIndex).ToArray();
        if (featureIndexes.Length == 0)
            throw new DataFormatException("the file has no feature columns besides the id column", path, remedy: "Add numeric feature columns.");
        if (featureIndexes.Length > options.MaxDimension)
            throw new DataFormatException($"the file has {featureIndexes.Length} feature columns, more than MaxDimension {options.MaxDimension}", path);

        var names = reader.Header.ColNames;
        using var builder = new FeatureBatchBuilder(path, options);
        var values = new float[featureIndexes.Length];
        long rowNumber = 0;
        while (SepTables.MoveNext(reader, path, rowNumber + 1))
        {
            rowNumber++;
            var id = ParseRow(reader.Current, reader, path, rowNumber, idIndex, featureIndexes, values);
            builder.Add(id, values, rowNumber, i => names[featureIndexes[i]]);
            if (builder.IsFull) yield return builder.Flush()!;
        }
        if (rowNumber == 0) throw new DataFormatException("the file has a header but no data rows", path, remedy: "Add at least one item.");
        if (builder.FlushLast() is { } last) yield return last;
    }

    private static string ParseRow(SepReader.Row row, SepReader reader, string path, long rowNumber, int idIndex, int[] featureIndexes, float[] values)
    {
        SepTables.CheckColumnCount(row, reader, path, rowNumber);
        var id = row[idIndex].ToString();
        if (string.IsNullOrWhiteSpace(id))
            throw new DataFormatException("the id is empty", path, rowNumber, reader.Header.ColNames[idIndex]);
        for (var i = 0; i < featureIndexes.Length; i++)
        {
            var cell = row[featureIndexes[i]].Span.Trim();
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw NotANumber(cell, path, rowNumber, reader.Header.ColNames[featureIndexes[i]]);
        }
        return id;
    }

    /// <summary>
    /// A cell that is not a number. When it holds letters the column is most likely text meant to be embedded
    /// (a title, a description), so the error suggests reading it as a text column and carries that setting.
    /// </summary>
    private static DataFormatException NotANumber(ReadOnlySpan<char> cell, string path, long row, string column)
    {
        const string numbers = "Feature cells must be numbers written with '.' as decimal point";
        if (cell.IsEmpty) return new DataFormatException("the cell is empty", path, row, column, remedy: numbers + ".");
        var problem = $"'{Shorten(cell)}' is not a number";
        var looksLikeText = false;
        foreach (var c in cell) looksLikeText |= char.IsLetter(c);
        return looksLikeText
            ? new DataFormatException(problem, path, row, column, $"{numbers}; if column '{column}' holds text to embed, read it as a text column.",
                setting: ReaderSetting.TextColumns, suggestedValue: column)
            : new DataFormatException(problem, path, row, column, numbers + ".");
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : string.Concat(text[..40], "…");
}
