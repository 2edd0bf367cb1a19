using System.Buffers.Binary;
using System.Text.Json;

namespace RqVae.Model;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, long[] Shape, long Begin, long End);

/// <summary>
/// Reads and checks the header of a safetensors file before any tensor is allocated. TorchSharp.PyBridge
/// loads the tensors, but trusts the header (a claimed size becomes an allocation), so every size and
/// offset is checked here against the file's real length first.
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>Largest header accepted (the format's own readers cap it at 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads the entries of <paramref name="path"/>, throwing <see cref="ModelFormatException"/> on anything malformed.</summary>
    public static IReadOnlyList<SafetensorsEntry> Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads the entries of a weights file already read into <paramref name="bytes"/> (from <paramref name="path"/>, for
    /// messages): the header is then checked against the very bytes that will be loaded, not a second read of a file
    /// that may have been replaced in between.
    /// </summary>
    public static IReadOnlyList<SafetensorsEntry> Read(byte[] bytes, string path)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, path);
    }

    private static IReadOnlyList<SafetensorsEntry> Read(Stream stream, string path)
    {
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
            throw new ModelFormatException(path, $"the file is {fileLength} bytes, too short for a safetensors header; it is truncated or not a weights file.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0 || headerLength > (ulong)Math.Min(MaxHeaderBytes, fileLength - 8))
            throw new ModelFormatException(path, $"the safetensors header claims {headerLength} bytes but the file holds {fileLength - 8} after the length; the file is truncated or corrupt.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = fileLength - 8 - (long)headerLength;
        var entries = new List<SafetensorsEntry>();
        try
        {
            using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelFormatException(path, "the safetensors header is not a JSON object.");
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__") continue;
                if (entries.Any(e => e.Name == property.Name)) throw new ModelFormatException(path, $"tensor \"{property.Name}\" appears twice in the safetensors header; the file is corrupt.");
                var e = property.Value;
                if (e.ValueKind != JsonValueKind.Object
                    || !e.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
                    || !e.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
                    || !e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
                    throw new ModelFormatException(path, $"tensor \"{property.Name}\" lacks a dtype, shape or data_offsets.");
                var dims = shape.EnumerateArray().Select(d => d.TryGetInt64(out var v) && v >= 0 ? v : throw new ModelFormatException(path, $"tensor \"{property.Name}\" has a bad dimension {d}.")).ToArray();
                var begin = offsets[0].TryGetInt64(out var b) ? b : -1;
                var end = offsets[1].TryGetInt64(out var en) ? en : -1;
                var elementSize = ElementSize(dtype.GetString()!) ?? throw new ModelFormatException(path, $"tensor \"{property.Name}\" has unsupported dtype {dtype.GetString()}.");
                long elements = 1;
                foreach (var d in dims) elements = d == 0 ? 0 : (elements > long.MaxValue / Math.Max(d, 1) ? -1 : elements * d);
                if (begin < 0 || end < begin || end > dataLength || elements < 0 || end - begin != elements * elementSize)
                    throw new ModelFormatException(path, $"tensor \"{property.Name}\" claims bytes {begin}..{end} for shape [{string.Join(", ", dims)}] but the data section holds {dataLength}; the file is truncated or corrupt.");
                entries.Add(new SafetensorsEntry(property.Name, dtype.GetString()!, dims, begin, end));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a name or string that is not valid UTF-8.
            throw new ModelFormatException(path, $"the safetensors header is not valid JSON ({e.Message}).", e);
        }
        return entries;
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => null,
    };
}
