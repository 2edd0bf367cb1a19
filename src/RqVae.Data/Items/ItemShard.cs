using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RqVae.Data.Items;

/// <summary>
/// One of <see cref="Count"/> deterministic shares of a catalogue, chosen by item id alone so a shard does not
/// depend on the order of the file or on the machine: an item belongs to shard
/// <c>uint64_le(SHA-256(UTF-8(item_id))[0..8]) mod Count</c>. Shards are numbered from 0, written <c>i/N</c>
/// (<c>0/3</c>, <c>1/3</c>, <c>2/3</c>). The same rule in Python:
/// <c>int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "little") % N</c>.
/// </summary>
/// <param name="Index">The shard, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">How many shards the catalogue is split into, ≥ 1.</param>
public sealed record ItemShard(int Index, int Count)
{
    /// <summary>The most shards a catalogue may be split into.</summary>
    public const int MaxCount = 1 << 20;

    /// <summary>Throws <see cref="ArgumentException"/> when the index or the count is out of range.</summary>
    public ItemShard Validate()
    {
        if (Count < 1 || Count > MaxCount)
            throw new ArgumentException($"The shard count must be between 1 and {MaxCount:N0} (got {Count}).", nameof(Count));
        if (Index < 0 || Index >= Count)
            throw new ArgumentException($"Shards are numbered from 0: shard {Index} of {Count} must be between 0 and {Count - 1}.", nameof(Index));
        return this;
    }

    /// <summary>Reads <c>i/N</c> (0-based i); throws <see cref="FormatException"/> saying what is expected.</summary>
    public static ItemShard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new FormatException($"'{text}' is not a shard: write i/N, the 0-based shard i of N shards (0/3, 1/3, 2/3).");
        try
        {
            return new ItemShard(index, count).Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{text}' is not a shard: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }
    }

    /// <summary>True when <paramref name="itemId"/> belongs to this shard.</summary>
    public bool Contains(string itemId) => Count == 1 || (int)(Hash(itemId) % (ulong)Count) == Index;

    /// <summary>The first 8 bytes of the SHA-256 of the id's UTF-8 bytes, read as a little-endian unsigned integer.</summary>
    public static ulong Hash(string itemId)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        var length = Encoding.UTF8.GetMaxByteCount(itemId.Length);
        byte[]? rented = null;
        var bytes = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(itemId, bytes);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], digest);
            return BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>"i/N".</summary>
    public override string ToString() => FormattableString.Invariant($"{Index}/{Count}");
}
