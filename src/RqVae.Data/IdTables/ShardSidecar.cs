using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RqVae.Data.Errors;
using RqVae.Data.IO;

namespace RqVae.Data.IdTables;

/// <summary>
/// What a shard's ID table carries for <c>rqvae merge</c>, in a binary file beside it (<c>&lt;table&gt;.shard</c>):
/// the data the collision resolver needs that an ID table does not hold. Resolving over all items must give the
/// table one process would, and the resolver's choices depend on the items' order in the catalogue (the first row of
/// a shared ID keeps a tie, suffixes count up in row order) and, when colliding items move, on each item's last-level
/// residual and the last codebook. So the file holds, little-endian:
/// the magic <c>RQVSHARD</c>; the last codebook as float32 [K, D]; per table row, in the table's order, the item's
/// 0-based row in the catalogue (int64) and its last-level residual (float32 × D); then the header as UTF-8 JSON
/// (<see cref="ShardSidecarHeader"/>), its byte length (int32) and the magic again. The header comes last because
/// the row count is known only at the end of a streamed write.
/// </summary>
public static class ShardSidecar
{
    /// <summary>The 8 bytes that open and close the file.</summary>
    internal static ReadOnlySpan<byte> Magic => "RQVSHARD"u8;

    internal static readonly JsonSerializerOptions JsonOptions = new() { MaxDepth = 8 };

    /// <summary>The sidecar of the shard table at <paramref name="tablePath"/>.</summary>
    public static string PathFor(string tablePath) => tablePath + ".shard";

    /// <summary>Reads the header of the sidecar at <paramref name="path"/>, checking that the file's size agrees with it.</summary>
    /// <exception cref="DataFormatException">The file is missing, truncated or not a shard sidecar.</exception>
    public static ShardSidecarHeader ReadHeader(string path)
    {
        using var stream = Open(path);
        return ReadHeader(stream, path);
    }

    /// <summary>Reads the whole sidecar: header, last codebook, each row's catalogue row and last-level residual.</summary>
    public static ShardSidecarContent Read(string path)
    {
        using var stream = Open(path);
        var header = ReadHeader(stream, path);
        stream.Position = Magic.Length;
        var codebook = new float[checked(header.CodebookSize * header.ResidualDimension)];
        ReadFloats(stream, codebook, path);
        var rows = new long[header.Rows];
        var residuals = new float[checked(header.Rows * header.ResidualDimension)];
        var record = new byte[8 + 4 * header.ResidualDimension];
        for (long i = 0; i < header.Rows; i++)
        {
            stream.ReadExactly(record);
            rows[i] = BinaryPrimitives.ReadInt64LittleEndian(record);
            if (rows[i] < 0) throw new DataFormatException($"row {i + 1} of the shard gives catalogue row {rows[i]}", path, remedy: "Encode the shard again.");
            for (var j = 0; j < header.ResidualDimension; j++)
                residuals[i * header.ResidualDimension + j] = BinaryPrimitives.ReadSingleLittleEndian(record.AsSpan(8 + 4 * j));
        }
        return new ShardSidecarContent(header, codebook, rows, residuals);
    }

    private static FileStream Open(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException("the shard sidecar is missing", path,
                remedy: "Merge only tables written by `rqvae encode --shard i/N`; keep the .shard file beside each table.");
        return InputFile.OpenRead(path, 1 << 16, "Shard sidecar");
    }

    private static ShardSidecarHeader ReadHeader(FileStream stream, string path)
    {
        var minimum = 2 * Magic.Length + 4;
        Span<byte> start = stackalloc byte[Magic.Length];
        Span<byte> tail = stackalloc byte[4 + Magic.Length];
        if (stream.Length < minimum || stream.Read(start) != start.Length || !start.SequenceEqual(Magic))
            throw NotASidecar(path);
        stream.Position = stream.Length - tail.Length;
        stream.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(Magic)) throw NotASidecar(path);
        var jsonLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (jsonLength < 2 || jsonLength > stream.Length - minimum) throw NotASidecar(path);
        var json = new byte[jsonLength];
        stream.Position = stream.Length - tail.Length - jsonLength;
        stream.ReadExactly(json);
        ShardSidecarHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<ShardSidecarHeader>(StrictUtf8.Encoding.GetString(json), JsonOptions);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or NotSupportedException)
        {
            throw new DataFormatException($"the shard sidecar's header is not valid: {e.Message}", path, innerException: e, remedy: "Encode the shard again.");
        }
        if (header is null || header.Version != ShardSidecarHeader.CurrentVersion || header.Levels < 1 || header.Rows < 0
            || header.ResidualDimension < 1 || header.CodebookSize < 1 || string.IsNullOrEmpty(header.ModelHash) || string.IsNullOrEmpty(header.Shard))
            throw new DataFormatException($"the shard sidecar's header is incomplete or of another version (this tool reads version {ShardSidecarHeader.CurrentVersion})",
                path, remedy: "Encode the shard again with this version of the tool.");
        var expected = Magic.Length + 4L * header.CodebookSize * header.ResidualDimension + header.Rows * (8L + 4L * header.ResidualDimension) + jsonLength + tail.Length;
        if (stream.Length != expected)
            throw new DataFormatException($"the shard sidecar holds {stream.Length:N0} bytes; its header ({header.Rows:N0} rows of {header.ResidualDimension} residual values, a {header.CodebookSize}-code codebook) needs {expected:N0}",
                path, remedy: "The file is truncated or damaged: encode the shard again.");
        return header;
    }

    private static void ReadFloats(Stream stream, float[] target, string path)
    {
        var bytes = new byte[target.Length * 4];
        stream.ReadExactly(bytes);
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
            if (!float.IsFinite(target[i])) throw new DataFormatException("the shard sidecar's codebook holds a value that is not finite", path, remedy: "Encode the shard again.");
        }
    }

    private static DataFormatException NotASidecar(string path)
        => new("the file is not a shard sidecar (no RQVSHARD marks at its start and end) or is truncated", path,
            remedy: "Encode the shard again with `rqvae encode --shard i/N`.");
}

/// <summary>The JSON header of a <see cref="ShardSidecar"/>.</summary>
/// <param name="Version">The layout's version, <see cref="CurrentVersion"/>.</param>
/// <param name="ModelHash">The model that encoded the shard (the same as its ID table's).</param>
/// <param name="Shard">Which shard, "i/N" (0-based i).</param>
/// <param name="Levels">Codes per item in the table.</param>
/// <param name="Rows">Rows of the table (and of the sidecar).</param>
/// <param name="ResidualDimension">Values per last-level residual and per code vector (the model's code dimension).</param>
/// <param name="CodebookSize">Codes of the last level.</param>
public sealed record ShardSidecarHeader(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("model_hash")] string ModelHash,
    [property: JsonPropertyName("shard")] string Shard,
    [property: JsonPropertyName("levels")] int Levels,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("residual_dimension")] int ResidualDimension,
    [property: JsonPropertyName("codebook_size")] int CodebookSize)
{
    /// <summary>The version this tool writes and reads.</summary>
    public const int CurrentVersion = 1;
}

/// <summary>A sidecar read whole.</summary>
/// <param name="Header">The header.</param>
/// <param name="LastCodebook">The last level's code vectors, row-major [K, D].</param>
/// <param name="CatalogueRows">Each table row's 0-based row in the catalogue.</param>
/// <param name="Residuals">Each table row's last-level residual, row-major [Rows, D].</param>
public sealed record ShardSidecarContent(ShardSidecarHeader Header, float[] LastCodebook, long[] CatalogueRows, float[] Residuals);
