namespace RqVae.Recommender;

/// <summary>
/// One seed from a run's seed and the parts that tell its uses apart (an epoch, a purpose), the same in every process:
/// <see cref="HashCode.Combine{T1, T2}"/> is seeded at random per process, so a generator seeded by it gave each process
/// its own shuffle and its own "seeded" random IDs. SplitMix64's finalizer (Steele, Lea and Flood, 2014) over each part in
/// turn: fixed arithmetic, and nearby inputs give unrelated seeds.
/// </summary>
internal static class StableSeed
{
    /// <summary>A seed for <see cref="Random(int)"/> from <paramref name="seed"/> and <paramref name="parts"/>.</summary>
    public static int Of(long seed, params ReadOnlySpan<long> parts)
    {
        var state = Mix(unchecked((ulong)seed));
        foreach (var part in parts) state = Mix(state ^ unchecked((ulong)part));
        return unchecked((int)(state ^ (state >> 32)));
    }

    internal static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
