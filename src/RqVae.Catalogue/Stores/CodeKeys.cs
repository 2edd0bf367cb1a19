using System.Buffers.Binary;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// The L codes of an item as the stores keep them: one big-endian 4-byte number per code. Both SQLite and PostgreSQL
/// compare such byte strings byte by byte, which for non-negative numbers is the order of the codes, code by code; so
/// one indexed column gives the ID order, and a prefix of codes is a range of keys.
/// </summary>
internal static class CodeKeys
{
    public static byte[] Encode(IReadOnlyList<int> codes)
    {
        var key = new byte[codes.Count * 4];
        for (var i = 0; i < codes.Count; i++) BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(i * 4), codes[i]);
        return key;
    }

    public static int[] Decode(byte[] key)
    {
        if (key.Length % 4 != 0) throw new InvalidDataException($"A stored code key has {key.Length} bytes, not a multiple of 4.");
        var codes = new int[key.Length / 4];
        for (var i = 0; i < codes.Length; i++) codes[i] = BinaryPrimitives.ReadInt32BigEndian(key.AsSpan(i * 4));
        return codes;
    }

    /// <summary>The first key after every key that starts with <paramref name="prefix"/> (the prefix with its last code + 1); null for an empty prefix.</summary>
    public static byte[]? UpperBound(IReadOnlyList<int> prefix)
    {
        if (prefix.Count == 0) return null;
        var bumped = prefix.ToArray();
        // Codes are below 2^31, so the last one plus one still fits in 4 unsigned bytes and orders after it.
        var key = Encode(bumped);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(key.Length - 4), (uint)bumped[^1] + 1);
        return key;
    }
}
