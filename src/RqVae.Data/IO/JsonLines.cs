using System.Text;
using System.Text.Json;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>Reads JSON Lines with System.Text.Json: strict UTF-8, a nesting limit, one object per non-blank line.</summary>
internal static class JsonLines
{
    /// <summary>
    /// The longest line read by default, 16 MiB: a float vector written with full precision takes about 20
    /// bytes per value, so this holds some 800,000 values, far wider than any embedding, while a runaway
    /// line (a whole file without newlines, a binary file) is refused after 16 MiB instead of filling memory.
    /// </summary>
    public const int DefaultMaxLineBytes = 16 << 20;

    /// <summary>Yields (1-based line number, parsed object) for each non-blank line. The caller disposes nothing: each document is disposed when the next is read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxDepth">Deepest nesting accepted.</param>
    /// <param name="maxLineBytes">Longest line accepted, in bytes without the line break; a longer line is refused as soon as it passes the limit.</param>
    public static IEnumerable<(long Line, JsonElement Root)> Read(string path, int maxDepth, int maxLineBytes = DefaultMaxLineBytes)
    {
        using var reader = new BufferedStream(InputFile.OpenRead(path, 1), 1 << 16);
        var bytes = new LineBuffer(maxLineBytes);
        var options = new JsonDocumentOptions { MaxDepth = maxDepth };
        long lineNumber = 0;
        var sawObject = false;
        while (ReadLine(reader, bytes, path, lineNumber + 1) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var document = Parse(line, options, path, lineNumber, maxDepth);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException($"the line holds a JSON {document.RootElement.ValueKind}, not an object", path, lineNumber,
                    remedy: "Write one JSON object per line.");
            sawObject = true;
            yield return (lineNumber, document.RootElement);
        }
        if (!sawObject) throw new DataFormatException("the file is empty", path, remedy: "Write one JSON object per line.");
    }

    /// <summary>
    /// Reads one line as bytes and decodes it strictly, so invalid UTF-8 is reported on its own line
    /// (a StreamReader decodes whole buffers and would blame an earlier line).
    /// </summary>
    private static string? ReadLine(Stream stream, LineBuffer bytes, string path, long lineNumber)
    {
        bytes.Clear();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            // One byte of slack for the '\r' of a CRLF line break, which is not part of the line.
            if (bytes.Length > bytes.MaxLength)
                throw TooLong(path, lineNumber, bytes.MaxLength);
            bytes.Add((byte)b);
        }
        if (b < 0 && bytes.Length == 0) return null;
        var span = bytes.Span;
        if (span.Length > 0 && span[^1] == '\r') span = span[..^1];
        if (lineNumber == 1 && span.StartsWith(StrictUtf8.ByteOrderMark)) span = span[StrictUtf8.ByteOrderMark.Length..];
        if (span.Length > bytes.MaxLength)
            throw TooLong(path, lineNumber, bytes.MaxLength);
        try
        {
            return StrictUtf8.Encoding.GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            System.Text.Unicode.Utf8.ToUtf16(span, new char[span.Length], out var valid, out _, replaceInvalidSequences: false);
            throw StrictUtf8.InvalidUtf8(path, lineNumber, e, $"byte {(valid + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    private static DataFormatException TooLong(string path, long lineNumber, int maxLength)
        => new($"the line is longer than {DescribeSize(maxLength)}", path, lineNumber,
            remedy: "Write one shorter object per line, or store long vectors as .npy or Parquet (a library caller can raise MaxJsonLineBytes).");

    /// <summary>"16 MiB (16,777,216 bytes)" for whole mebibytes, else "1,024 bytes".</summary>
    private static string DescribeSize(int bytes)
        => bytes % (1 << 20) == 0
            ? $"{bytes >> 20} MiB ({bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes)"
            : $"{bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes";

    /// <summary>The bytes of one line, in a buffer that grows up to just past the limit and is reused for every line.</summary>
    private sealed class LineBuffer(int maxLength)
    {
        private byte[] buffer = new byte[Math.Min(maxLength + 1, 1 << 12)];

        public int MaxLength { get; } = maxLength;

        public int Length { get; private set; }

        public Span<byte> Span => buffer.AsSpan(0, Length);

        public void Clear() => Length = 0;

        public void Add(byte value)
        {
            if (Length == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, MaxLength + 1L));
            buffer[Length++] = value;
        }
    }

    private static JsonDocument Parse(string line, JsonDocumentOptions options, string path, long lineNumber, int maxDepth)
    {
        try
        {
            return JsonDocument.Parse(line, options);
        }
        catch (JsonException e)
        {
            var depth = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? $" (nesting deeper than {maxDepth}?)" : "";
            throw new DataFormatException($"the line is not valid JSON{depth}: {e.Message}", path, lineNumber,
                e.BytePositionInLine is { } position ? $"byte {position + 1}" : null, innerException: e);
        }
    }

    /// <summary>Reads a string or number property as text (ids may be either); throws naming the field otherwise.</summary>
    public static string RequiredId(JsonElement root, string field, string path, long line, ReaderSetting? setting = null)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException($"field '{field}' is missing", path, line, field, remedy: "Every object needs the id field (or set the id field name).", setting: setting);
        var id = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new DataFormatException($"field '{field}' is a {value.ValueKind}; expected a string or number", path, line, field),
        };
        if (string.IsNullOrWhiteSpace(id)) throw new DataFormatException("the id is empty", path, line, field);
        return id;
    }

    /// <summary>A required property of the given kind.</summary>
    public static JsonElement Required(JsonElement root, string field, JsonValueKind kind, string path, long line, ReaderSetting? setting = null)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException($"field '{field}' is missing", path, line, field, setting: setting);
        if (value.ValueKind != kind)
            throw new DataFormatException($"field '{field}' is a {value.ValueKind}; expected a {kind}", path, line, field);
        return value;
    }
}
