using System.Buffers.Binary;
using System.IO.Compression;
using RqVae.Data.Errors;

namespace RqVae.Datasets.MovieLens.RSerialization;

/// <summary>
/// An R lazy-load database, the pair of files R packages use for their data sets: <c>NAME.rdx</c>
/// (a gzip'd serialization of the index: variable name → offset and length in the .rdb) and
/// <c>NAME.rdb</c> (each object a 4-byte big-endian uncompressed length, then a zlib stream of its
/// XDR serialization).
/// </summary>
internal sealed class RLazyLoadDatabase
{
    // A serialized R object rarely compresses more than ~20:1; allow far more, but refuse a header
    // that claims gigabytes from a few bytes before allocating for it.
    private const long MaxExpansion = 1000;
    private const int MaxIndexBytes = 64 << 20;

    // Doubles hold every whole number up to 2^53 exactly; no file is larger.
    private const double MaxOffset = 1L << 53;

    private readonly string rdbPath;
    private readonly Dictionary<string, (long Offset, int Length)> index;

    private RLazyLoadDatabase(string rdbPath, Dictionary<string, (long Offset, int Length)> index)
    {
        this.rdbPath = rdbPath;
        this.index = index;
    }

    /// <summary>The names of the objects stored.</summary>
    public IReadOnlyCollection<string> Names => index.Keys;

    /// <summary>Opens the database whose files are <paramref name="basePath"/>.rdx and .rdb.</summary>
    public static RLazyLoadDatabase Open(string basePath)
    {
        var rdxPath = basePath + ".rdx";
        var rdbPath = basePath + ".rdb";
        byte[] indexBytes;
        try
        {
            using var file = File.OpenRead(rdxPath);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            indexBytes = ReadAtMost(gzip, MaxIndexBytes, rdxPath);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException("the lazy-load index is not valid gzip", rdxPath, innerException: e,
                remedy: "Delete the cached copy so it is fetched again.");
        }

        var index = RXdrReader.Deserialize(indexBytes, rdxPath) as RList
            ?? throw new DataFormatException("the lazy-load index is not a list", rdxPath);
        if (index["compressed"] is RIntVector { Values: [var kind] } && kind is not 1)
            throw new DataFormatException($"the database uses compression type {kind}; only zlib (1) is supported", rdxPath);
        var variables = index["variables"] as RList
            ?? throw new DataFormatException("the lazy-load index has no 'variables' list", rdxPath);

        var names = variables.Names ?? [];
        var entries = new Dictionary<string, (long, int)>(StringComparer.Ordinal);
        for (var i = 0; i < variables.Items.Length && i < names.Count; i++)
        {
            var (offset, length) = variables.Items[i] switch
            {
                RIntVector { Values: [var o, var l] } => ((double)o, (double)l),
                RRealVector { Values: [var o, var l] } => (o, l),
                _ => throw new DataFormatException($"index entry '{names[i]}' is not (offset, length)", rdxPath),
            };
            // R stores the positions as integers or doubles; a damaged index can hold any number, so check
            // before converting (an unchecked conversion would wrap, a checked one would throw OverflowException).
            if (!IsWhole(offset, MaxOffset) || !IsWhole(length, int.MaxValue))
                throw new DataFormatException($"index entry '{names[i]}' has offset {offset} and length {length}, which is no place in a file", rdxPath);
            if (names[i] is { } name) entries[name] = ((long)offset, (int)length);
        }
        return new RLazyLoadDatabase(rdbPath, entries);
    }

    private static bool IsWhole(double value, double max) => value >= 0 && value <= max && value == Math.Floor(value);

    /// <summary>Reads and deserializes the object called <paramref name="name"/>.</summary>
    public RObject Read(string name)
    {
        if (!index.TryGetValue(name, out var entry))
            throw new DataFormatException($"the database has no object called '{name}'", rdbPath);
        using var file = File.OpenRead(rdbPath);
        if (entry.Offset < 0 || entry.Length < 5 || entry.Offset + entry.Length > file.Length)
            throw new DataFormatException($"object '{name}' at offset {entry.Offset} with length {entry.Length} lies outside the file ({file.Length} bytes)", rdbPath);
        file.Position = entry.Offset;
        var header = new byte[4];
        file.ReadExactly(header);
        long claimed = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (claimed > MaxExpansion * entry.Length || claimed > Array.MaxLength)
            throw new DataFormatException($"object '{name}' claims {claimed} uncompressed bytes from {entry.Length} compressed", rdbPath);
        var compressed = new byte[entry.Length - 4];
        file.ReadExactly(compressed);
        var data = new byte[claimed];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            zlib.ReadExactly(data);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new DataFormatException($"object '{name}' is not a valid zlib stream of {claimed} bytes", rdbPath, innerException: e,
                remedy: "Delete the cached copy so it is fetched again.");
        }
        return RXdrReader.Deserialize(data, $"{rdbPath}:{name}");
    }

    private static byte[] ReadAtMost(Stream stream, int limit, string path)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw new DataFormatException($"the data expands beyond {limit} bytes", path);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
