using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace RqVae.Data.IO;

/// <summary>
/// Finds the first invalid UTF-8 byte of a text file and the record and cell that hold it. Decoders work on
/// whole buffers, so when one fails the reader is rows ahead of, or behind, the bad byte; this second pass,
/// made only once a file has been found invalid, scans the bytes themselves.
/// </summary>
internal static class InvalidUtf8Locator
{
    /// <summary>Where the first invalid byte is.</summary>
    /// <param name="Record">0-based record: for a table with a header, 0 is the header and n the n-th data row.</param>
    /// <param name="Cell">0-based cell within the record (always 0 without a separator).</param>
    /// <param name="Offset">0-based byte offset in the file.</param>
    /// <param name="Header">The first record's cells, when a separator was given and that record is valid.</param>
    public sealed record Location(long Record, int Cell, long Offset, IReadOnlyList<string> Header);

    /// <summary>Scans <paramref name="path"/>; null when every byte is valid (the file changed since it failed).</summary>
    /// <param name="path">The file.</param>
    /// <param name="separator">The cell separator of a delimited table (then double quotes enclose cells that may hold separators and line breaks), or null for plain lines.</param>
    public static Location? Find(string path, char? separator)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var bytes = new byte[1 << 16];
        var chars = new char[bytes.Length]; // UTF-16 never needs more units than UTF-8 has bytes
        var header = new ArrayBufferWriter<byte>();
        long record = 0, offset = 0;
        var cell = 0;
        var quoted = false;
        var carried = 0;
        while (true)
        {
            var read = stream.Read(bytes, carried, bytes.Length - carried);
            var available = carried + read;
            var status = Utf8.ToUtf16(bytes.AsSpan(0, available), chars, out var valid, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
            foreach (var b in bytes.AsSpan(0, valid))
            {
                if (record == 0 && header.WrittenCount < 1 << 20) header.Write([b]);
                if (separator is null) { if (b == '\n') record++; continue; }
                if (b == '"') quoted = !quoted; // an escaped "" toggles twice
                else if (!quoted && b == separator) cell++;
                else if (!quoted && b == '\n') { record++; cell = 0; }
            }
            offset += valid;
            if (status == System.Buffers.OperationStatus.InvalidData)
                return new Location(record, cell, offset, record > 0 && separator is { } s ? SplitHeader(header.WrittenSpan, s) : []);
            if (read == 0) return null;
            carried = available - valid; // the start of a sequence cut by the buffer's end
            bytes.AsSpan(valid, carried).CopyTo(bytes);
        }
    }

    private static string[] SplitHeader(ReadOnlySpan<byte> line, char separator)
    {
        var text = Encoding.UTF8.GetString(line).TrimStart('\uFEFF').TrimEnd('\n', '\r');
        var cells = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"') quoted = !quoted;
            else if (c == separator && !quoted) { cells.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        cells.Add(current.ToString());
        return [.. cells];
    }
}
