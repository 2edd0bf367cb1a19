using System.Numerics;
using Parquet;
using Parquet.Schema;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>
/// Shared plumbing for Parquet input through Parquet.Net 6: opening, column lookup, reading ids,
/// numbers and list columns one row group at a time, and turning the library's many failure modes
/// on damaged files into <see cref="DataFormatException"/>.
/// </summary>
internal static class ParquetTables
{
    /// <summary>
    /// Runs Parquet.Net's async API synchronously on the thread pool (so no caller synchronization
    /// context can deadlock it) and converts any failure that is not ours into a <see cref="DataFormatException"/>.
    /// Parquet.Net reports damaged files with a wide range of exception types (ParquetException,
    /// IndexOutOfRange, InvalidCast, Overflow, ...), so everything but cancellation is treated as bad input.
    /// </summary>
    public static T Run<T>(Func<Task<T>> action, string path, long? row = null, string? column = null)
    {
        try
        {
            var task = Task.Run(action);
            // Parquet.Net can spin for a very long time on some damaged files (found by fuzzing);
            // give up after a budget that grows with the file size rather than hang the caller.
            var budget = CallBudget(path);
            if (!task.Wait(budget))
                throw new DataFormatException($"reading the Parquet data did not finish within {budget.TotalSeconds:0} s; the file is probably damaged", path, row, column,
                    remedy: "Re-create the file.");
            return task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not DataFormatException and not OperationCanceledException and not FileNotFoundException and not DirectoryNotFoundException and not UnauthorizedAccessException)
        {
            throw new DataFormatException($"the Parquet data cannot be read: {e.GetType().Name}: {e.Message}", path, row, column, innerException: e,
                remedy: "The file is damaged or not Parquet; re-create it.");
        }
    }

    private static TimeSpan CallBudget(string path)
    {
        long length;
        try { length = new FileInfo(path).Length; } catch (IOException) { length = 0; }
        return TimeSpan.FromSeconds(10 + length / (1 << 20));
    }

    /// <summary>Opens a reader; checks that the file is non-empty and that the row counts are plausible for its size.</summary>
    public static ParquetReader Open(string path)
    {
        InputFile.Check(path);
        var length = new FileInfo(path).Length;
        if (length == 0) throw new DataFormatException("the file is empty", path, remedy: "Write the table again.");
        var reader = Run(async () =>
        {
            var stream = InputFile.OpenRead(path, 1 << 16);
            try
            {
                var opened = await ParquetReader.CreateAsync(stream, leaveStreamOpen: false).ConfigureAwait(false);
                _ = opened.Schema.GetDataFields(); // decode the schema here, where failures become DataFormatException
                _ = opened.CustomMetadata;
                return opened;
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, path);
        try
        {
            for (var g = 0; g < reader.RowGroupCount; g++)
                RowCount(reader, g, path, length);
            return reader;
        }
        catch
        {
            Close(reader);
            throw;
        }
    }

    /// <summary>The row count of a row group, refusing counts a file of this size cannot hold (a damaged footer must not trigger a huge allocation).</summary>
    public static int RowCount(ParquetReader reader, int group, string path, long? fileLength = null)
    {
        var claimed = Run(() => Task.FromResult(reader.OpenRowGroupReader(group).RowCount), path);
        fileLength ??= new FileInfo(path).Length;
        // Even dictionary+RLE encoded columns cost far more than 1/64 byte per row; real files stay well inside this.
        if (claimed < 0 || claimed > 64 * fileLength + 1024 || claimed > Array.MaxLength)
            throw new DataFormatException($"row group {group} claims {claimed} rows, implausible for a {fileLength}-byte file", path);
        return (int)claimed;
    }

    /// <summary>A top-level (not nested) column, or a clear error listing the columns that exist.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="name">The column.</param>
    /// <param name="path">For messages.</param>
    /// <param name="setting">The reader setting that named the column, carried by the error.</param>
    public static DataField FlatField(ParquetReader reader, string name, string path, ReaderSetting? setting = null)
    {
        var fields = Run(() => Task.FromResult(reader.Schema.GetDataFields()), path);
        return fields.FirstOrDefault(f => f.Name == name && f.MaxRepetitionLevel == 0 && f.Path.ToList().Count == 1)
            ?? throw new DataFormatException($"column '{name}' is missing; the file has: {string.Join(", ", fields.Select(f => f.Path.ToString()))}",
                path, column: name, remedy: "Rename the column or set the column name in the reader options.", setting: setting);
    }

    /// <summary>Reads an id column (text or integers) of one row group as strings.</summary>
    public static string[] ReadIds(ParquetReader reader, int group, DataField field, string path, long firstRow)
    {
        var rows = RowCount(reader, group, path);
        string?[] ids;
        if (IsText(field))
        {
            ids = ReadStrings(reader, group, field, path);
        }
        else
        {
            var numbers = ReadNumbers(reader, group, field, path);
            ids = [.. numbers.Select(n => n?.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        }
        for (var i = 0; i < ids.Length; i++)
            if (string.IsNullOrWhiteSpace(ids[i])) throw new DataFormatException("the id is empty or null", path, firstRow + i + 1, field.Name);
        return ids!;
    }

    /// <summary>True for string columns (Parquet.Net 6 reports them as string or as ReadOnlyMemory&lt;char&gt;).</summary>
    public static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>Reads a flat text column of one row group; nulls are null.</summary>
    public static string?[] ReadStrings(ParquetReader reader, int group, DataField field, string path)
    {
        var values = new string?[RowCount(reader, group, path)];
        Run(async () =>
        {
            await reader.OpenRowGroupReader(group).ReadAsync(field, values.AsMemory(), null).ConfigureAwait(false);
            return 0;
        }, path, column: field.Name);
        return values;
    }

    /// <summary>Reads a flat numeric column of one row group; nulls are null.</summary>
    public static double?[] ReadNumbers(ParquetReader reader, int group, DataField field, string path)
    {
        var rows = RowCount(reader, group, path);
        var (values, definitions, _) = ReadRaw(reader, group, field, path);
        var result = new double?[rows];
        if (definitions is null)
        {
            if (values.Length != rows) throw new DataFormatException($"column holds {values.Length} values for {rows} rows", path, column: field.Name);
            for (var i = 0; i < rows; i++) result[i] = values[i];
            return result;
        }
        if (definitions.Length != rows) throw new DataFormatException($"column holds {definitions.Length} entries for {rows} rows", path, column: field.Name);
        var next = 0;
        for (var i = 0; i < rows; i++)
        {
            if (definitions[i] != field.MaxDefinitionLevel) continue;
            if (next >= values.Length) throw new DataFormatException("column has fewer values than its definition levels say", path, column: field.Name);
            result[i] = values[next++];
        }
        return result;
    }

    /// <summary>
    /// Copies a flat numeric column of one row group into <paramref name="destination"/> as floats, row <c>r</c> at
    /// <c>offset + r * stride</c>, without the per-row nullable array <see cref="ReadNumbers"/> builds: the feature reader
    /// calls this for every column of every row group, and that garbage alone grew the heap with the file's length.
    /// </summary>
    /// <returns>The first row of the group whose value is null, or -1 when none is.</returns>
    public static int ReadFloatsInto(ParquetReader reader, int group, DataField field, string path, float[] destination, int offset, int stride)
    {
        var rows = RowCount(reader, group, path);
        return ByNumericType(field, path, new FloatCopy(reader, group, field, path, rows, destination, offset, stride));
    }

    /// <summary>Copies one column's raw values straight from Parquet.Net's buffer into the caller's floats.</summary>
    private sealed class FloatCopy(ParquetReader reader, int group, DataField field, string path, int rows, float[] destination, int offset, int stride) : INumericColumn<int>
    {
        public int Read<T>() where T : struct, INumberBase<T> => Run(async () =>
        {
            using var raw = await reader.OpenRowGroupReader(group).ReadRawColumnDataBaseAsync(field).ConfigureAwait(false);
            var values = ((Parquet.Data.RawColumnData<T>)raw).Values;
            if (field.MaxDefinitionLevel == 0)
            {
                if (values.Length != rows) throw new DataFormatException($"column holds {values.Length} values for {rows} rows", path, column: field.Name);
                for (var i = 0; i < rows; i++) destination[offset + (long)i * stride] = float.CreateChecked(values[i]);
                return -1;
            }
            var definitions = raw.DefinitionLevels;
            if (definitions.Length != rows) throw new DataFormatException($"column holds {definitions.Length} entries for {rows} rows", path, column: field.Name);
            var next = 0;
            for (var i = 0; i < rows; i++)
            {
                if (definitions[i] != field.MaxDefinitionLevel) return i;
                if (next >= values.Length) throw new DataFormatException("column has fewer values than its definition levels say", path, column: field.Name);
                destination[offset + (long)i * stride] = float.CreateChecked(values[next++]);
            }
            return -1;
        }, path, column: field.Name);
    }

    /// <summary>
    /// Reads a numeric list column of one row group: the values of each row in order, row <c>r</c> being
    /// <c>values[starts[r]..starts[r+1])</c>. A null element is reported as NaN so the caller names its row.
    /// </summary>
    public static (double[] Values, int[] Starts) ReadLists(ParquetReader reader, int group, DataField field, string path)
    {
        var rows = RowCount(reader, group, path);
        var (values, definitions, repetitions) = ReadRaw(reader, group, field, path);
        if (repetitions is null) throw new DataFormatException("the column is not a list", path, column: field.Name);
        var flat = new List<double>(values.Length);
        var starts = new int[rows + 1];
        var row = -1;
        var next = 0;
        for (var i = 0; i < repetitions.Length; i++)
        {
            if (repetitions[i] == 0)
            {
                if (++row >= rows) throw new DataFormatException($"the list column has more than {rows} rows", path, column: field.Name);
                starts[row] = flat.Count;
            }
            else if (row < 0)
            {
                throw new DataFormatException("the list column does not start with a new row", path, column: field.Name);
            }
            var level = definitions?[i] ?? field.MaxDefinitionLevel;
            if (level == field.MaxDefinitionLevel)
            {
                if (next >= values.Length) throw new DataFormatException("the list column has fewer values than its levels say", path, column: field.Name);
                flat.Add(values[next++]);
            }
            else if (level == field.MaxDefinitionLevel - 1 && field.IsNullable)
            {
                flat.Add(double.NaN); // a null element inside the list
            }
            // lower levels: an empty or null list, which contributes no values
        }
        if (row != rows - 1) throw new DataFormatException($"the list column has {row + 1} rows, the row group {rows}", path, column: field.Name);
        starts[rows] = flat.Count;
        return ([.. flat], starts);
    }

    /// <summary>A read of a numeric column, typed by the column's CLR type (see <see cref="ByNumericType"/>).</summary>
    private interface INumericColumn<out TResult>
    {
        TResult Read<T>() where T : struct, INumberBase<T>;
    }

    /// <summary>The one place that maps a column's CLR type to the numeric types the readers accept.</summary>
    private static TResult ByNumericType<TResult>(DataField field, string path, INumericColumn<TResult> read)
    {
        var type = field.ClrType;
        return type == typeof(float) ? read.Read<float>()
            : type == typeof(double) ? read.Read<double>()
            : type == typeof(int) ? read.Read<int>()
            : type == typeof(long) ? read.Read<long>()
            : type == typeof(short) ? read.Read<short>()
            : type == typeof(byte) ? read.Read<byte>()
            : type == typeof(sbyte) ? read.Read<sbyte>()
            : type == typeof(uint) ? read.Read<uint>()
            : type == typeof(ushort) ? read.Read<ushort>()
            : throw new DataFormatException($"column type {type.Name} is not numeric", path, column: field.Name,
                remedy: "Store features as float, double or integer columns.");
    }

    private static (double[] Values, int[]? Definitions, int[]? Repetitions) ReadRaw(ParquetReader reader, int group, DataField field, string path)
        => ByNumericType(field, path, new RawCopy(reader, group, field, path));

    private sealed class RawCopy(ParquetReader reader, int group, DataField field, string path) : INumericColumn<(double[], int[]?, int[]?)>
    {
        public (double[], int[]?, int[]?) Read<T>() where T : struct, INumberBase<T> => ReadRaw<T>(reader, group, field, path);
    }

    private static (double[] Values, int[]? Definitions, int[]? Repetitions) ReadRaw<T>(ParquetReader reader, int group, DataField field, string path)
        where T : struct, INumberBase<T>
        => Run(async () =>
        {
            using var raw = await reader.OpenRowGroupReader(group).ReadRawColumnDataBaseAsync(field).ConfigureAwait(false);
            return Copy<T>(raw, field);
        }, path, column: field.Name);

    private static (double[] Values, int[]? Definitions, int[]? Repetitions) Copy<T>(Parquet.Data.RawColumnData raw, DataField field)
        where T : struct, INumberBase<T>
    {
        var typed = (Parquet.Data.RawColumnData<T>)raw;
        var source = typed.Values;
        var values = new double[source.Length];
        for (var i = 0; i < values.Length; i++) values[i] = double.CreateChecked(source[i]);
        int[]? definitions = field.MaxDefinitionLevel > 0 ? raw.DefinitionLevels.ToArray() : null;
        int[]? repetitions = field.MaxRepetitionLevel > 0 ? raw.RepetitionLevels.ToArray() : null;
        return (values, definitions, repetitions);
    }

    /// <summary>Disposes a reader synchronously (Parquet.Net 6 only offers DisposeAsync).</summary>
    public static void Close(ParquetReader reader)
    {
        try
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // closing a read-only file cannot lose data
        }
    }
}
