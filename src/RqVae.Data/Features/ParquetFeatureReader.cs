using System.Globalization;
using Parquet.Schema;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.Features;

/// <summary>
/// Streams Parquet feature rows one row group at a time: an id column plus either a list column of
/// numbers (<see cref="FeatureReaderOptions.FeaturesField"/>) or several numeric columns.
/// </summary>
internal static class ParquetFeatureReader
{
    public static IEnumerable<FeatureBatch> Read(string path, FeatureReaderOptions options)
    {
        var reader = ParquetTables.Open(path);
        try
        {
            var idField = ParquetTables.FlatField(reader, options.IdColumn, path, ReaderSetting.IdColumn);
            var listField = options.FeatureColumns is null
                ? reader.Schema.GetDataFields().FirstOrDefault(f => f.MaxRepetitionLevel > 0 && f.Path.ToList()[0] == options.FeaturesField)
                : null;
            DataField[] columns = listField is not null ? []
                : options.FeatureColumns is { } named ? [.. named.Select(n => ParquetTables.FlatField(reader, n, path, ReaderSetting.FeatureColumns))]
                : [.. reader.Schema.GetDataFields().Where(f => f.MaxRepetitionLevel == 0 && !f.Equals(idField) && f.Path.ToList().Count == 1)];
            if (listField is null && columns.Length == 0)
                throw new DataFormatException($"no feature columns: neither a list column '{options.FeaturesField}' nor numeric columns besides '{options.IdColumn}'", path,
                    column: options.FeaturesField, remedy: "Store the vectors as a list<float> column or as one numeric column per feature.");
            if (columns.Length > options.MaxDimension)
                throw new DataFormatException($"the file has {columns.Length} feature columns, more than MaxDimension {options.MaxDimension}", path);

            using var builder = new FeatureBatchBuilder(path, options);
            long firstRow = 0;
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                var rows = ParquetTables.RowCount(reader, group, path);
                var ids = ParquetTables.ReadIds(reader, group, idField, path, firstRow);
                var block = listField is not null
                    ? ListRows(reader, group, listField, path, rows, options)
                    : ColumnRows(reader, group, columns, path, rows, firstRow);
                var names = listField is not null
                    ? (Func<int, string>)(i => $"{options.FeaturesField}[{i.ToString(CultureInfo.InvariantCulture)}]")
                    : i => columns[i].Name;
                for (var r = 0; r < rows; r++)
                {
                    builder.Add(ids[r], block.Row(r), firstRow + r + 1, names);
                    if (builder.IsFull) yield return builder.Flush()!;
                }
                firstRow += rows;
            }
            if (firstRow == 0) throw new DataFormatException("the file has no rows", path, remedy: "Write at least one item.");
            if (builder.FlushLast() is { } last) yield return last;
        }
        finally
        {
            ParquetTables.Close(reader);
        }
    }

    /// <summary>Rows of one row group as float vectors (ragged until the builder checks their lengths).</summary>
    private sealed class RowBlock(float[] values, int[] starts)
    {
        public ReadOnlySpan<float> Row(int r) => values.AsSpan(starts[r], starts[r + 1] - starts[r]);
    }

    private static RowBlock ListRows(Parquet.ParquetReader reader, int group, DataField field, string path, int rows, FeatureReaderOptions options)
    {
        var (values, starts) = ParquetTables.ReadLists(reader, group, field, path);
        for (var r = 0; r < rows; r++)
            if (starts[r + 1] - starts[r] > options.MaxDimension)
                throw new DataFormatException($"the vector is longer than MaxDimension {options.MaxDimension}", path, column: options.FeaturesField);
        return new RowBlock([.. values.Select(v => (float)v)], starts);
    }

    private static RowBlock ColumnRows(Parquet.ParquetReader reader, int group, DataField[] columns, string path, int rows, long firstRow)
    {
        var dimension = columns.Length;
        var values = new float[(long)rows * dimension];
        for (var c = 0; c < dimension; c++)
        {
            var nullRow = ParquetTables.ReadFloatsInto(reader, group, columns[c], path, values, c, dimension);
            if (nullRow >= 0)
                throw new DataFormatException("the value is null", path, firstRow + nullRow + 1, columns[c].Name, remedy: "Fill or drop rows with missing features.");
        }
        var starts = new int[rows + 1];
        for (var r = 0; r <= rows; r++) starts[r] = r * dimension;
        return new RowBlock(values, starts);
    }
}
