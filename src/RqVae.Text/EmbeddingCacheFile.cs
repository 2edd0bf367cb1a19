using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RqVae.Text;

/// <summary>
/// The binary format of one cache file: a batch of embeddings of one model, each keyed by the
/// SHA-256 of its model id and text. All integers and floats are little-endian.
/// <code>
/// offset        size             field
/// 0             8                magic "RQVEMB01" (ASCII)
/// 8             4                int32 format version = 1
/// 12            4                int32 dimension D
/// 16            4                int32 entry count N
/// 20            32               SHA-256 of the UTF-8 model id
/// 52            32·N             entry keys: SHA-256(UTF-8 model id ‖ 0x00 ‖ UTF-8 text)
/// 52+32N        4·D·N            float32 vectors, row-major, in key order
/// end−32        32               SHA-256 of every byte before it
/// </code>
/// A file whose length does not equal 84 + 32N + 4DN, or whose trailing checksum does not match, is
/// corrupt (truncated write, bit rot, foreign file) and is never trusted. Texts themselves are not
/// stored: the cache only answers "have I seen exactly this text with this model".
/// </summary>
internal static class EmbeddingCacheFile
{
    public const string Extension = ".rqemb";
    private const int FormatVersion = 1;
    private const int HashSize = 32;
    private const int HeaderSize = 8 + 4 + 4 + 4 + HashSize;
    private static ReadOnlySpan<byte> Magic => "RQVEMB01"u8;

    /// <summary>The content of a file that passed every check.</summary>
    public sealed record Contents(byte[] ModelHash, int Dimension, byte[][] Keys, float[] Vectors);

    /// <summary>Why a file was not usable.</summary>
    public enum ReadFailure
    {
        /// <summary>Read fine.</summary>
        None,
        /// <summary>Length, checksum or header fields are wrong: the file must not be trusted.</summary>
        Corrupt,
        /// <summary>A well-formed file of a format version this code does not know: leave it alone.</summary>
        UnknownVersion,
    }

    public static byte[] ModelHash(string modelId) => SHA256.HashData(Encoding.UTF8.GetBytes(modelId));

    /// <summary>The key of <paramref name="text"/> under <paramref name="modelId"/>; the 0 byte keeps "ab"+"c" apart from "a"+"bc".</summary>
    public static byte[] EntryKey(string modelId, string text)
    {
        var modelBytes = Encoding.UTF8.GetByteCount(modelId);
        var buffer = new byte[modelBytes + 1 + Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(modelId, buffer);
        Encoding.UTF8.GetBytes(text, buffer.AsSpan(modelBytes + 1));
        return SHA256.HashData(buffer);
    }

    public static long ExpectedLength(int dimension, int count) =>
        HeaderSize + (long)HashSize * count + 4L * dimension * count + HashSize;

    public static byte[] Serialise(byte[] modelHash, int dimension, IReadOnlyList<byte[]> keys, ReadOnlySpan<float> vectors)
    {
        var count = keys.Count;
        if (vectors.Length != (long)count * dimension)
            throw new ArgumentException($"Expected {count}×{dimension} floats, got {vectors.Length}.", nameof(vectors));

        var bytes = new byte[ExpectedLength(dimension, count)];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], dimension);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], count);
        modelHash.CopyTo(span[20..]);
        var offset = HeaderSize;
        foreach (var key in keys)
        {
            key.CopyTo(span[offset..]);
            offset += HashSize;
        }
        var payload = span.Slice(offset, 4 * vectors.Length);
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(vectors).CopyTo(payload);
        else
            for (var i = 0; i < vectors.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(payload[(4 * i)..], vectors[i]);
        offset += payload.Length;
        SHA256.HashData(span[..offset], span[offset..]);
        return bytes;
    }

    public static ReadFailure TryParse(ReadOnlySpan<byte> bytes, out Contents? contents)
    {
        contents = null;
        if (bytes.Length < HeaderSize + HashSize || !bytes[..8].SequenceEqual(Magic)) return ReadFailure.Corrupt;
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        // Another version's layout cannot be checked by this code; it is skipped, not judged.
        if (version != FormatVersion) return ReadFailure.UnknownVersion;
        if (dimension <= 0 || count < 0 || bytes.Length != ExpectedLength(dimension, count)) return ReadFailure.Corrupt;

        var checksumStart = bytes.Length - HashSize;
        Span<byte> checksum = stackalloc byte[HashSize];
        SHA256.HashData(bytes[..checksumStart], checksum);
        if (!checksum.SequenceEqual(bytes[checksumStart..])) return ReadFailure.Corrupt;

        var keys = new byte[count][];
        var offset = HeaderSize;
        for (var i = 0; i < count; i++, offset += HashSize) keys[i] = bytes.Slice(offset, HashSize).ToArray();
        var vectors = new float[count * dimension];
        var payload = bytes.Slice(offset, 4 * vectors.Length);
        if (BitConverter.IsLittleEndian)
            payload.CopyTo(MemoryMarshal.AsBytes(vectors.AsSpan()));
        else
            for (var i = 0; i < vectors.Length; i++)
                vectors[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(4 * i)..]);

        contents = new Contents(bytes.Slice(20, HashSize).ToArray(), dimension, keys, vectors);
        return ReadFailure.None;
    }
}
