using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>
/// Shared plumbing for CSV/TSV input through Sep: strict UTF-8, a required header, unescaped quotes,
/// and column-count checks done by the caller so the message can name the row and column.
/// </summary>
internal static class SepTables
{
    /// <summary>Opens a reader; throws <see cref="DataFormatException"/> for an empty file or invalid text.</summary>
    public static SepReader Open(string path, DataFileFormat format)
    {
        var text = StrictUtf8.OpenReader(path);
        try
        {
            if (text.Peek() < 0) throw new DataFormatException("the file is empty", path, remedy: "Write a header row and at least one data row.");
            var separator = new Sep(Separator(format));
            var reader = Sep.Reader(o => o with
            {
                Sep = separator,
                HasHeader = true,
                Unescape = true,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(text);
            if (reader.Header.IsEmpty || reader.Header.ColNames.All(string.IsNullOrWhiteSpace))
                throw new DataFormatException("the header row is empty", path, 0, remedy: "The first line must name the columns.");
            return reader;
        }
        catch (DecoderFallbackException e)
        {
            text.Dispose();
            throw StrictUtf8.InvalidUtf8InFile(path, Separator(format), 0, e);
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            text.Dispose();
            throw new DataFormatException($"the header cannot be read: {e.Message}", path, 0, innerException: e);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    private static char Separator(DataFileFormat format) => format == DataFileFormat.Tsv ? '\t' : ',';

    /// <summary>Moves to the next data row, turning decoding and parsing failures into <see cref="DataFormatException"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="path">For messages.</param>
    /// <param name="nextRow">1-based number of the row about to be read.</param>
    public static bool MoveNext(SepReader reader, string path, long nextRow)
    {
        try
        {
            return reader.MoveNext();
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.InvalidUtf8InFile(path, reader.Spec.Sep.Separator, nextRow, e);
        }
        catch (Exception e) when (e is not DataFormatException and not OperationCanceledException and not IOException)
        {
            throw new DataFormatException($"the row cannot be parsed: {e.Message}", path, nextRow, innerException: e);
        }
    }

    /// <summary>The index of column <paramref name="name"/>; a clear error listing the columns that do exist otherwise.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="name">The column.</param>
    /// <param name="path">For messages.</param>
    /// <param name="setting">The reader setting that named the column, carried by the error so the caller's front end can name its option.</param>
    public static int IndexOf(SepReader reader, string name, string path, ReaderSetting? setting = null)
        => reader.Header.TryIndexOf(name, out var index) ? index
            : throw new DataFormatException($"column '{name}' is missing; the header has: {string.Join(", ", reader.Header.ColNames)}", path, column: name,
                remedy: "Rename the column in the file or set the column name in the reader options.", setting: setting);

    /// <summary>Throws when a row does not have as many cells as the header.</summary>
    public static void CheckColumnCount(SepReader.Row row, SepReader reader, string path, long rowNumber)
    {
        var expected = reader.Header.ColNames.Count;
        if (row.ColCount == expected) return;
        var column = row.ColCount < expected ? reader.Header.ColNames[row.ColCount] : (expected + 1).ToString(CultureInfo.InvariantCulture);
        throw new DataFormatException($"the row has {row.ColCount} cells but the header has {expected} columns", path, rowNumber, column,
            remedy: "Every row must have one cell per header column (check for missing or extra separators and unbalanced quotes).");
    }
}
