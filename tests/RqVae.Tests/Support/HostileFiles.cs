using System.Collections.Concurrent;
using System.Text;
using Xunit;

namespace RqVae.Tests.Support;

/// <summary>
/// Shared machinery of the hostile-file fuzz tests: seeded corruptions of a valid file, and a harness that
/// runs a reader on each case with a time limit and an allocation limit, accepting only the reader's own
/// typed error (or success).
/// </summary>
internal static class HostileFiles
{
    /// <summary>Longest one case may take: a reader that loops on a crafted length would exceed it.</summary>
    public static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(20);

    /// <summary>Managed bytes one case may allocate: a few times the (small) file, never what a forged header claims.</summary>
    public const long AllocationLimit = 64L << 20;

    /// <summary>A seeded generic corruption: truncation, flipped bytes, 0xFF runs (lengths read as huge), inserted garbage, invalid UTF-8, noise.</summary>
    public static byte[] Corrupt(byte[] valid, Random random)
    {
        var bytes = valid.ToArray();
        switch (random.Next(6))
        {
            case 0:
                return bytes[..random.Next(bytes.Length)];
            case 1:
                for (var i = random.Next(1, 9); i > 0; i--) bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                return bytes;
            case 2:
                var at = random.Next(bytes.Length);
                for (var i = at; i < Math.Min(bytes.Length, at + random.Next(1, 9)); i++) bytes[i] = 0xFF;
                return bytes;
            case 3:
                var insert = new byte[random.Next(1, 32)];
                random.NextBytes(insert);
                var position = random.Next(bytes.Length);
                return [.. bytes[..position], .. insert, .. bytes[position..]];
            case 4: // invalid UTF-8: a lone continuation byte, an overlong encoding, a truncated sequence
                byte[][] bad = [[0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];
                var where = random.Next(bytes.Length);
                return [.. bytes[..where], .. bad[random.Next(bad.Length)], .. bytes[where..]];
            default:
                var noise = new byte[random.Next(0, 2 * bytes.Length)];
                random.NextBytes(noise);
                return noise;
        }
    }

    /// <summary>Deeply nested JSON: <paramref name="depth"/> arrays around a number.</summary>
    public static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

    /// <summary>
    /// Runs <paramref name="read"/> on one case. Returns "ok" or the name of the accepted exception type; fails the
    /// test on any other exception, on a case that takes longer than <see cref="PerCaseLimit"/>, or on one that
    /// allocates more than <see cref="AllocationLimit"/> managed bytes.
    /// </summary>
    public static string Run<TExpected>(string what, Action read, Func<TExpected, bool>? check = null) where TExpected : Exception
    {
        var task = Task.Factory.StartNew(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            string outcome;
            try
            {
                read();
                outcome = "ok";
            }
            catch (TExpected e)
            {
                Assert.True(check?.Invoke(e) ?? true, $"{what}: unhelpful message: {e.Message}");
                outcome = typeof(TExpected).Name;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{what}: unhandled {e.GetType().Name}: {e}");
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationLimit, $"{what}: allocated {allocated:N0} bytes");
            return outcome;
        }, TaskCreationOptions.LongRunning);
        Assert.True(task.Wait(PerCaseLimit), $"{what}: did not finish within {PerCaseLimit}");
        return task.Result;
    }

    /// <summary>Counts outcomes by kind for the test log.</summary>
    public sealed class Tally
    {
        private readonly ConcurrentDictionary<string, int> counts = new();

        public void Add(string outcome) => counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

        public int Total => counts.Values.Sum();

        public int this[string outcome] => counts.GetValueOrDefault(outcome);

        public override string ToString() => string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"));
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
