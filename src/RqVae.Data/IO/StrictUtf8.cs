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
        => new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), ReadingEncoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);

    public static DataFormatException InvalidUtf8(string path, long? row, Exception inner)
        => new("the file is not valid UTF-8 text", path, row, remedy: "Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).", innerException: inner);
}
