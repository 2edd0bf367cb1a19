using System.Text;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>
/// Text input that rejects invalid UTF-8 instead of silently replacing it with U+FFFD, so a binary or
/// wrongly encoded file is reported rather than turned into garbage ids and texts.
/// </summary>
internal static class StrictUtf8
{
    /// <summary>For writing and for decoding bytes directly: strict, and never emits a byte-order mark.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // A StreamReader skips the preamble of its encoding, so this one drops a leading UTF-8 byte-order mark
    // (Excel and Notepad write one) instead of gluing U+FEFF to the first column name. Detecting byte-order
    // marks in general would also switch to UTF-16/32 on their marks, which these files never are.
    private static readonly UTF8Encoding ReadingEncoding = new(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 byte-order mark, which readers of raw bytes skip at the start of a file.</summary>
    public static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>A strict UTF-8 reader of <paramref name="path"/> that skips a leading byte-order mark.</summary>
    public static StreamReader OpenReader(string path)
        => new(InputFile.OpenRead(path, 1 << 16), ReadingEncoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);

    /// <summary>The error for invalid text at a known place (a JSON line decoded on its own, or a row when the file cannot be scanned).</summary>
    public static DataFormatException InvalidUtf8(string path, long? row, Exception inner, string? column = null)
        => new(row == 0 ? "the header row is not valid UTF-8 text" : "the file is not valid UTF-8 text", path, row, column, Remedy, inner);

    /// <summary>
    /// The error for invalid text found by a buffered reader, which cannot say where the bad byte is: the file is
    /// scanned again to name the row (1-based data row, 0 for the header) and column that hold it.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The cell separator of a table with a header row, or null for a plain list of lines (row n is line n).</param>
    /// <param name="guessedRow">The reader's own idea of the row, used if the scan finds nothing.</param>
    /// <param name="inner">The decoder's exception.</param>
    public static DataFormatException InvalidUtf8InFile(string path, char? separator, long? guessedRow, Exception inner)
    {
        InvalidUtf8Locator.Location? location;
        try
        {
            location = InvalidUtf8Locator.Find(path, separator);
        }
        catch (IOException)
        {
            location = null;
        }
        if (location is null) return InvalidUtf8(path, guessedRow, inner);
        var row = separator is null ? location.Record + 1 : location.Record;
        var column = separator is null ? null
            : location.Cell < location.Header.Count ? location.Header[location.Cell]
            : (location.Cell + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = $"{(row == 0 && separator is not null ? "the header row" : "the file")} is not valid UTF-8 text (the first invalid byte is at offset {location.Offset.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)})";
        return new DataFormatException(problem, path, row, column, Remedy, inner);
    }

    private const string Remedy = "Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).";
}
