using System.Text;
using System.Text.Json;
using RqVae.Data.Errors;

namespace RqVae.Data.IO;

/// <summary>Reads JSON Lines with System.Text.Json: strict UTF-8, a nesting limit, one object per non-blank line.</summary>
internal static class JsonLines
{
    /// <summary>Yields (1-based line number, parsed object) for each non-blank line. The caller disposes nothing: each document is disposed when the next is read.</summary>
    public static IEnumerable<(long Line, JsonElement Root)> Read(string path, int maxDepth)
    {
        using var reader = new BufferedStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1), 1 << 16);
        var bytes = new List<byte>();
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
    private static string? ReadLine(Stream stream, List<byte> bytes, string path, long lineNumber)
    {
        bytes.Clear();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n') bytes.Add((byte)b);
        if (b < 0 && bytes.Count == 0) return null;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        if (span.Length > 0 && span[^1] == '\r') span = span[..^1];
        if (lineNumber == 1 && span.StartsWith(StrictUtf8.ByteOrderMark)) span = span[StrictUtf8.ByteOrderMark.Length..];
        try
        {
            return StrictUtf8.Encoding.GetString(span);
        }
        catch (DecoderFallbackException e)
        {
            throw StrictUtf8.InvalidUtf8(path, lineNumber, e);
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
    public static string RequiredId(JsonElement root, string field, string path, long line)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException($"field '{field}' is missing", path, line, field, remedy: "Every object needs the id field (or set the id field name).");
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
    public static JsonElement Required(JsonElement root, string field, JsonValueKind kind, string path, long line)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new DataFormatException($"field '{field}' is missing", path, line, field);
        if (value.ValueKind != kind)
            throw new DataFormatException($"field '{field}' is a {value.ValueKind}; expected a {kind}", path, line, field);
        return value;
    }
}
