using System.Buffers.Binary;
using System.Collections.Concurrent;
using CsCheck;
using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.RSerialization;
using RqVae.Datasets.MovieLens.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Datasets.MovieLens.Tests.CrossCutting;

/// <summary>
/// Property tests: every corruption of a valid small lazy-load database (truncation, flipped bytes,
/// random bytes, words overwritten with huge or negative lengths or with the flags of another type,
/// inserted garbage) must either load or raise <see cref="DataFormatException"/> with a message —
/// never another exception type, never a hang. Corruptions are applied to the files as stored
/// (compressed) and to the serializations inside them (recompressed, so the damage reaches the parser).
/// </summary>
public sealed class CorruptRdataFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int CasesPerTarget = 300;
    private static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(20);
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    // SEXP types the reader knows, and a few it does not, to write over a flags word.
    private static readonly int[] Types = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 99,
        238, 239, 240, 241, 242, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255];

    private static readonly int[] HugeWords = [-1, int.MinValue, int.MaxValue, -2, 0x4000_0000, 0x0FFF_FFFF, 0x7FFF_FFF0];

    /// <summary>A small movielens frame with every column kind, plus a compact sequence and a wrapper for the ALTREP paths.</summary>
    private static byte[] ValidFrame() => RXdrWriter.Serialize(w => w.DataFrame(4,
        ("movieId", c => c.Ints([1, 2, 1, 5])),
        ("title", c => c.Strings(["Toy Story", "Léon", "Toy Story", null])),
        ("year", c => c.Doubles([1995, 1994, 1995, RXdrWriter.NaReal])),
        ("genres", c => c.Factor([1, 2, 1, 3], ["Animation|Comedy", "Crime|Drama", "(no genres listed)"])),
        ("userId", c =>
        {
            c.Int(RXdrWriter.AltRepSxp);
            c.Int(RXdrWriter.ListSxp).Symbol("compact_intseq").Int(RXdrWriter.ListSxp).Symbol("base").Int(RXdrWriter.ListSxp).Ints([13]).Null();
            c.Doubles([4, 1, 1]).Null();
        }
    ),
        ("rating", c =>
        {
            c.Int(RXdrWriter.AltRepSxp);
            c.Int(RXdrWriter.ListSxp).Symbol("wrap_real").Int(RXdrWriter.ListSxp).Symbol("base").Int(RXdrWriter.ListSxp).Ints([14]).Null();
            c.Int(RXdrWriter.ListSxp).Doubles([4, 3.5, 5, 0.5]).Int(RXdrWriter.ListSxp).Ints([0, 0]).Null();
            c.Null();
        }
    ),
        ("timestamp", c => c.Ints([10, 20, 30, 40]))));

    private static byte[] Corrupt(byte[] valid, int seed)
    {
        var random = new Random(seed);
        var bytes = valid.ToArray();
        int Word() => random.Next(Math.Max(1, bytes.Length - 3)) & ~3 | (random.Next(4) == 0 ? random.Next(4) : 0);
        switch (random.Next(ByteCorruption.Kinds + 2))
        {
            case 3: // a word read as a huge or negative length, count, offset or reference
            {
                var at = Word();
                if (at + 4 <= bytes.Length) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), HugeWords[random.Next(HugeWords.Length)]);
                return bytes;
            }
            case 4: // a word replaced by the flags of another type (with random attribute/tag/object bits and levels)
            {
                var at = Word();
                var flags = Types[random.Next(Types.Length)] | (random.Next(8) << 8) | (random.Next(1 << 7) << 12);
                if (at + 4 <= bytes.Length) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), flags);
                return bytes;
            }
            // The corruptions every reader meets: 0–2 as they are, 5 and 6 the run of 0xFF and the inserted garbage.
            case var kind:
                return ByteCorruption.Apply(valid, kind < 3 ? kind : kind - 2, random);
        }
    }

    private void Fuzz(string target, Func<int, Action> makeCase)
    {
        var outcomes = new ConcurrentDictionary<string, int>();
        Gen.Int.Sample(seed =>
        {
            var read = makeCase(seed);
            var task = Task.Run(() =>
            {
                try
                {
                    read();
                    return "ok";
                }
                catch (DataFormatException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Problem), $"{target} (seed {seed}): an empty message");
                    return "DataFormatException";
                }
            });
            Assert.True(task.Wait(PerCaseLimit), $"reading a corrupted {target} (seed {seed}) did not finish within {PerCaseLimit}");
            outcomes.AddOrUpdate(task.Result, 1, (_, n) => n + 1);
        }, iter: CasesPerTarget, threads: 1);
        var summary = string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}"));
        output.WriteLine($"{target}: {outcomes.Values.Sum()} corrupted cases ({summary})");
        Assert.Equal(CasesPerTarget, outcomes.Values.Sum());
        // Most corruptions must be noticed: a fuzz whose every case loads would test nothing.
        Assert.True(outcomes.GetValueOrDefault("DataFormatException") > CasesPerTarget / 4, summary);
    }

    private string Case(int seed) => dir.File($"{seed:X8}-{Guid.NewGuid():N}");

    [Fact]
    public void The_valid_database_loads()
    {
        var basePath = RLazyLoadFiles.Write(dir.File("valid"), ("movielens", ValidFrame()));
        var data = MovieLensDataset.FromRdata(basePath);
        Assert.Equal([1, 2, 5], data.Movies.Select(m => m.MovieId));
        Assert.Equal([new Rating(1, 1, 4, 10), new Rating(2, 2, 3.5, 20), new Rating(3, 1, 5, 30), new Rating(4, 5, 0.5, 40)], data.Ratings);
        Assert.Equal(["Crime", "Drama"], data.GetMovie(2).Genres);
    }

    [Fact]
    public void Serialization_bytes() => Fuzz("serialization", seed =>
    {
        var bytes = Corrupt(ValidFrame(), seed);
        return () => RXdrReader.Deserialize(bytes, "fuzz");
    });

    [Fact]
    public void Object_inside_the_rdb() => Fuzz("object in .rdb", seed =>
    {
        var basePath = RLazyLoadFiles.Write(Case(seed), ("movielens", Corrupt(ValidFrame(), seed)));
        return () => MovieLensDataset.FromRdata(basePath);
    });

    [Fact]
    public void Index_inside_the_rdx() => Fuzz("index in .rdx", seed =>
    {
        var (index, rdb) = RLazyLoadFiles.Build(("other", RXdrWriter.Serialize(w => w.Ints([1]))), ("movielens", ValidFrame()));
        var basePath = RLazyLoadFiles.Write(Case(seed), Corrupt(index, seed), rdb);
        return () => MovieLensDataset.FromRdata(basePath);
    });

    [Fact]
    public void Rdb_file_as_stored() => Fuzz(".rdb file", seed =>
    {
        var (index, rdb) = RLazyLoadFiles.Build(("other", RXdrWriter.Serialize(w => w.Ints([1]))), ("movielens", ValidFrame()));
        var basePath = RLazyLoadFiles.Write(Case(seed), index, Corrupt(rdb, seed));
        return () => MovieLensDataset.FromRdata(basePath);
    });

    [Fact]
    public void Rdx_file_as_stored() => Fuzz(".rdx file", seed =>
    {
        var basePath = RLazyLoadFiles.Write(Case(seed), ("movielens", ValidFrame()));
        File.WriteAllBytes(basePath + ".rdx", Corrupt(File.ReadAllBytes(basePath + ".rdx"), seed));
        return () => MovieLensDataset.FromRdata(basePath);
    });
}
