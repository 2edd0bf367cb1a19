using System.Buffers.Binary;
using System.IO.Compression;

namespace RqVae.Datasets.MovieLens.Tests.Support;

/// <summary>
/// Builds an R lazy-load database by hand: <c>NAME.rdb</c> holds each object as a 4-byte big-endian
/// uncompressed length followed by a zlib stream of its serialization; <c>NAME.rdx</c> is the gzip'd
/// serialization of list(variables = list(name = c(offset, length)), references = list(), compressed = TRUE).
/// </summary>
internal static class RLazyLoadFiles
{
    /// <summary>One .rdb record: the length word and the zlib stream.</summary>
    public static byte[] Record(byte[] serialized)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)serialized.Length);
        buffer.Write(length);
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(serialized);
        return buffer.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    /// <summary>The serialized index for objects at the given (offset, length) positions; <paramref name="compressed"/> 1 is zlib.</summary>
    public static byte[] Index(IReadOnlyList<(string Name, int Offset, int Length)> entries, int compressed = 1)
        => RXdrWriter.Serialize(w => w.List(
            [
                v => v.List([.. entries.Select(e => (Action<RXdrWriter>)(x => x.Ints([e.Offset, e.Length])))], [.. entries.Select(e => e.Name)]),
                v => v.List([]),
                v => v.Ints([compressed], logical: compressed == 1),
            ],
            ["variables", "references", "compressed"]));

    /// <summary>The uncompressed .rdx and the .rdb bytes of a database holding <paramref name="objects"/>, in order.</summary>
    public static (byte[] IndexPayload, byte[] Rdb) Build(params (string Name, byte[] Serialized)[] objects)
    {
        using var rdb = new MemoryStream();
        var entries = new List<(string, int, int)>();
        foreach (var (name, serialized) in objects)
        {
            var record = Record(serialized);
            entries.Add((name, (int)rdb.Length, record.Length));
            rdb.Write(record);
        }
        return (Index(entries), rdb.ToArray());
    }

    /// <summary>Writes <paramref name="basePath"/>.rdx (gzip'd) and .rdb.</summary>
    public static string Write(string basePath, byte[] indexPayload, byte[] rdb)
    {
        File.WriteAllBytes(basePath + ".rdx", Gzip(indexPayload));
        File.WriteAllBytes(basePath + ".rdb", rdb);
        return basePath;
    }

    public static string Write(string basePath, params (string Name, byte[] Serialized)[] objects)
    {
        var (index, rdb) = Build(objects);
        return Write(basePath, index, rdb);
    }
}
