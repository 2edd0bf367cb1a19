using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RqVae.Data.Errors;

namespace RqVae.Data.Npy;

/// <summary>
/// The header of a NumPy .npy file (format versions 1–3), restricted to what feature files use:
/// a 2-D float32/float64 array in C order. Parsed by hand because the format is tiny and fully
/// specified (numpy.lib.format) and no maintained .NET package reads it without pulling in a whole
/// array library; all claimed sizes are checked against the file length before anything is allocated.
/// </summary>
internal sealed partial record NpyHeader(int DataOffset, long Rows, int Dimension, int ItemSize, bool BigEndian)
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>Bytes per row.</summary>
    public long RowBytes => (long)Dimension * ItemSize;

    /// <summary>Reads and validates the header; the stream is left at the start of the data.</summary>
    public static NpyHeader Read(Stream stream, string path, int maxDimension)
    {
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[12];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got == 0) throw new DataFormatException("the file is empty", path, remedy: "Write the array with numpy.save.");
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new DataFormatException("not a .npy file (missing the \\x93NUMPY magic)", path, remedy: "Write the array with numpy.save.");
        var major = prefix[6];
        int headerLength, dataStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..10]);
                dataStart = 10;
                break;
            case 2 or 3 when got >= 12:
                var claimed = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..12]);
                if (claimed > MaxHeaderBytes)
                    throw new DataFormatException($"the header claims {claimed} bytes, more than the {MaxHeaderBytes} allowed", path);
                headerLength = (int)claimed;
                dataStart = 12;
                break;
            default:
                throw new DataFormatException($"unsupported .npy format version {major}.{prefix[7]}", path, remedy: "Write the array with numpy.save (format 1.0–3.0).");
        }
        if (dataStart + (long)headerLength > fileLength)
            throw new DataFormatException($"the header claims {headerLength} bytes but the file has only {fileLength - dataStart} after the prefix (truncated?)", path);

        var headerBytes = new byte[headerLength];
        stream.Position = dataStart;
        stream.ReadExactly(headerBytes);
        string text;
        try
        {
            text = (major == 3 ? new UTF8Encoding(false, true) : Encoding.ASCII).GetString(headerBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException("the header is not valid text", path, innerException: e);
        }
        if (text.Any(c => c > 127) && major != 3) throw new DataFormatException("the header is not ASCII", path);

        var descr = Field(DescrPattern(), text, "descr", path);
        var (itemSize, bigEndian) = descr switch
        {
            "<f4" or "|f4" or "=f4" => (4, false),
            ">f4" => (4, true),
            "<f8" or "|f8" or "=f8" => (8, false),
            ">f8" => (8, true),
            _ => throw new DataFormatException($"dtype '{descr}' is not supported; expected float32 ('<f4') or float64 ('<f8')", path,
                remedy: "Convert with array.astype(numpy.float32) before saving."),
        };
        if (Field(FortranPattern(), text, "fortran_order", path) == "True")
            throw new DataFormatException("the array is stored in Fortran (column-major) order", path,
                remedy: "Save numpy.ascontiguousarray(array) instead.");

        var shapeText = Field(ShapePattern(), text, "shape", path);
        var dims = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2)
            throw new DataFormatException($"the array has shape ({shapeText}); expected 2-D (rows, dimension)", path,
                remedy: "Reshape to (items, features), e.g. array.reshape(len(array), -1).");
        if (!long.TryParse(dims[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ||
            !long.TryParse(dims[1], NumberStyles.None, CultureInfo.InvariantCulture, out var dimension))
            throw new DataFormatException($"the shape ({shapeText}) is not two non-negative integers", path);
        if (dimension < 1 || dimension > maxDimension)
            throw new DataFormatException($"the dimension {dimension} is outside 1..{maxDimension}", path);

        var dataOffset = dataStart + headerLength;
        var available = fileLength - dataOffset;
        var expected = (Int128)rows * dimension * itemSize;
        if (expected > available)
        {
            var completeRows = available / (dimension * itemSize);
            throw new DataFormatException($"the header claims {rows} rows of {dimension} values but the file holds only {completeRows} complete rows (truncated?)",
                path, completeRows + 1, remedy: "Re-create the file; it was cut short or its header is wrong.");
        }
        if (expected < available)
            throw new DataFormatException($"the file has {available - (long)expected} bytes after the {rows} × {dimension} array", path,
                remedy: "Re-create the file; its header does not describe its content.");
        return new NpyHeader(dataOffset, rows, (int)dimension, itemSize, bigEndian);
    }

    private static string Field(Regex pattern, string header, string name, string path)
    {
        var match = pattern.Match(header);
        return match.Success ? match.Groups[1].Value
            : throw new DataFormatException($"the header has no valid '{name}' entry", path, remedy: "Write the array with numpy.save.");
    }

    /// <summary>Builds a version 1.0 header padded to exactly <paramref name="totalBytes"/> (a multiple of 64), so it can be rewritten in place.</summary>
    public static byte[] Build(long rows, int dimension, int totalBytes = 128)
    {
        var dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dimension}), }}");
        var headerLength = totalBytes - 10;
        if (dict.Length + 1 > headerLength) throw new InvalidOperationException("Header does not fit.");
        var bytes = new byte[totalBytes];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        var padded = dict.PadRight(headerLength - 1) + "\n";
        Encoding.ASCII.GetBytes(padded, bytes.AsSpan(10));
        return bytes;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
