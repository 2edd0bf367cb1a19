namespace RqVae.TestSupport;

/// <summary>
/// The corruptions every reader's fuzz test applies to a valid file: what a torn write, a bad disk or a hostile
/// sender makes of it. Format-specific fuzz tests add their own (a word replaced by a huge length, …) beside these.
/// </summary>
public static class ByteCorruption
{
    /// <summary>How many kinds <see cref="Apply"/> knows.</summary>
    public const int Kinds = 5;

    /// <summary>
    /// A corrupted copy of <paramref name="valid"/> of kind <paramref name="kind"/> (0 truncation, 1 flipped bytes,
    /// 2 noise of random length, 3 a run of 0xFF, 4 inserted garbage), drawing its details from <paramref name="random"/>.
    /// </summary>
    public static byte[] Apply(byte[] valid, int kind, Random random)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(random);
        var bytes = valid.ToArray();
        switch (kind)
        {
            case 0: // truncation
                return bytes[..random.Next(bytes.Length)];
            case 1: // flipped bytes
                for (var i = random.Next(1, 8); i > 0; i--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return bytes;
            case 2: // random bytes of random length
                var noise = new byte[random.Next(0, 2 * bytes.Length)];
                random.NextBytes(noise);
                return noise;
            case 3: // a run of 0xFF: lengths, counts and offsets read as huge numbers
                var at = random.Next(bytes.Length);
                for (var i = at; i < Math.Min(bytes.Length, at + random.Next(1, 9)); i++) bytes[i] = 0xFF;
                return bytes;
            case 4: // inserted garbage
                var insert = new byte[random.Next(1, 32)];
                random.NextBytes(insert);
                var position = random.Next(bytes.Length);
                return [.. bytes[..position], .. insert, .. bytes[position..]];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, $"A corruption kind is 0..{Kinds - 1}.");
        }
    }
}
