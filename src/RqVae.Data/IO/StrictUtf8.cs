using System.Text;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>
/// Text input that rejects invalid UTF-8 instead of silently replacing it with U+FFFD, so a binary or
/// wrongly encoded file is reported rather than turned into garbage ids and texts.
/// </summary>
internal static class StrictUtf8
{
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static StreamReader OpenReader(string path)
        => new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), Encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);

    public static DataFormatException InvalidUtf8(string path, long? row, Exception inner)
        => new("the file is not valid UTF-8 text", path, row, remedy: "Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).", innerException: inner);
}
