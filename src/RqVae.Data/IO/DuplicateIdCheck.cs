namespace RqVae.Data.IO;

/// <summary>
/// Finds a repeated id among the rows of a file. In memory (the default) a repeat is found the moment it is
/// added, at the cost of one dictionary entry per row (some 70–100 bytes for a short id), which grows with the
/// file. On disk, every id is appended to one of <see cref="BucketCount"/> temporary files chosen by a hash of
/// the id, and the buckets are compared one at a time in <see cref="Finish"/>: memory is the write buffers
/// (<see cref="BucketCount"/> × <see cref="BufferBytes"/>) plus one bucket's dictionary at the end, about
/// 1/<see cref="BucketCount"/> of the rows, and a repeat is only reported once every row is read.
/// </summary>
internal sealed class DuplicateIdCheck : IDisposable
{
    /// <summary>Temporary files the ids are spread over when checking on disk.</summary>
    public const int BucketCount = 256;

    /// <summary>Write buffer per bucket file.</summary>
    public const int BufferBytes = 4096;

    private readonly Dictionary<string, long>? seen;
    private readonly DirectoryInfo? folder;
    private readonly BinaryWriter?[]? buckets;

    /// <summary>Starts a check in memory, or on disk when <paramref name="onDisk"/>.</summary>
    public DuplicateIdCheck(bool onDisk)
    {
        if (!onDisk)
        {
            seen = new Dictionary<string, long>(StringComparer.Ordinal);
            return;
        }
        folder = Directory.CreateTempSubdirectory("rqvae-ids-");
        buckets = new BinaryWriter?[BucketCount];
    }

    /// <summary>A repeated id and the two rows that hold it.</summary>
    public readonly record struct Repeat(string Id, long FirstRow, long Row);

    /// <summary>Adds the id of row <paramref name="row"/>; returns the repeat when checking in memory and the id was seen before.</summary>
    public Repeat? Add(string id, long row)
    {
        if (seen is not null) return seen.TryAdd(id, row) ? null : new Repeat(id, seen[id], row);
        var index = (int)(Hash(id) % BucketCount);
        var bucket = buckets![index] ??= new BinaryWriter(new FileStream(Path.Combine(folder!.FullName, index + ".ids"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, BufferBytes, FileOptions.DeleteOnClose));
        bucket.Write(row);
        bucket.Write(id);
        return null;
    }

    /// <summary>
    /// On disk: compares the buckets and returns the repeat whose second row comes first in the file (what the
    /// in-memory check would have reported); null when every id is unique or when checking in memory.
    /// </summary>
    public Repeat? Finish()
    {
        if (buckets is null) return null;
        Repeat? first = null;
        foreach (var bucket in buckets)
        {
            if (bucket is null) continue;
            bucket.Flush();
            var stream = bucket.BaseStream;
            var length = stream.Length;
            stream.Position = 0;
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            while (stream.Position < length)
            {
                var row = reader.ReadInt64();
                var id = reader.ReadString();
                if (rows.TryAdd(id, row)) continue;
                if (first is null || row < first.Value.Row) first = new Repeat(id, rows[id], row);
                break; // a bucket holds rows in file order, so its first repeat is its earliest
            }
            stream.Position = length;
        }
        return first;
    }

    public void Dispose()
    {
        if (buckets is null) return;
        foreach (var bucket in buckets) bucket?.Dispose();
        try
        {
            folder!.Delete(recursive: true);
        }
        catch (IOException)
        {
            // The files delete themselves on close; an emptied temporary folder left behind is harmless.
        }
    }

    // FNV-1a over the UTF-16 code units: stable across processes (string.GetHashCode is randomised) and cheap;
    // it only spreads ids over buckets, equality is decided by comparing the strings.
    private static uint Hash(string id)
    {
        var hash = 2166136261u;
        foreach (var c in id) hash = (hash ^ c) * 16777619u;
        return hash ^ (hash >> 16);
    }
}
