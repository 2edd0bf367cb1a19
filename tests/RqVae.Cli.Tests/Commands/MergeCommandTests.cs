using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>
/// `rqvae encode --shard i/N` then `rqvae merge`: the merged table holds the rows of one `encode --unique` run, on a
/// catalogue where nearly every item collides (500 items, a 2 × 4-code model: at most 16 IDs as encoded).
/// </summary>
public sealed class MergeCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Merged_shards_hold_the_rows_of_one_encode_unique(int shards)
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("catalogue.csv", SyntheticItems.Csv(rows: 500, dimension: 3, seed: 5));
        var single = dir.File("unique.csv");
        var reference = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, items, "-o", single, "--unique");
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var tables = new List<string>();
        for (var i = 0; i < shards; i++)
        {
            var table = dir.File($"shard{i}.parquet");
            // Small batches, so a shard's batches mix rows from all over the file.
            var run = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, items, "-o", table, "--shard", $"{i}/{shards}", "--batch-size", "16");
            Assert.True(run.ExitCode == 0, run.ToString());
            tables.Add(table);
        }
        var merged = dir.File("merged.csv");
        tables.Reverse(); // the order of the arguments does not matter
        var merge = ToolProcess.Run(dir.Path, Timeout, ["merge", .. tables, "-o", merged]);
        Assert.True(merge.ExitCode == 0, merge.ToString());

        var expected = SemanticIdTableReader.Read(single);
        var actual = SemanticIdTableReader.Read(merged);
        Assert.Equal(3, expected.Levels); // two levels plus the extra code
        Assert.True(Collisions(expected, levels: 2) > 400, "the catalogue should collide heavily as encoded");
        Assert.Equal(Rows(expected), Rows(actual));
        Assert.Equal(expected.ModelHash, actual.ModelHash);
        Assert.NotNull(actual.ModelHash);
        // The same resolution, item for item: the same report line.
        Assert.Equal(CollisionLine(reference.Output), CollisionLine(merge.Output));
    }

    [Fact]
    public void Merged_shards_of_a_residual_kmeans_model_hold_the_rows_of_one_encode_unique()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("catalogue.csv", SyntheticItems.Csv(rows: 300, dimension: 3, seed: 13));
        var kmeans = dir.File("rkm");
        var train = Tool.Run("train", items, "-o", kmeans, "--tokenizer", "residual-kmeans", "--levels", "2", "--codebook-size", "4");
        Assert.True(train.ExitCode == 0, train.ToString());
        var single = dir.File("unique.csv");
        var reference = Tool.Run("encode", kmeans, items, "-o", single, "--unique");
        Assert.True(reference.ExitCode == 0, reference.ToString());
        var tables = Enumerable.Range(0, 3).Select(i => dir.File($"s{i}.csv")).ToArray();
        for (var i = 0; i < 3; i++)
            Assert.Equal(0, Tool.Run("encode", kmeans, items, "-o", tables[i], "--shard", $"{i}/3").ExitCode);
        var merged = dir.File("merged.csv");
        var merge = Tool.Run(["merge", .. tables, "-o", merged]);
        Assert.True(merge.ExitCode == 0, merge.ToString());
        Assert.Equal(File.ReadAllText(single), File.ReadAllText(merged)); // the same rows, in the catalogue's order
        Assert.Equal(CollisionLine(reference.Output), CollisionLine(merge.Output));
    }

    [Fact]
    public void A_shard_holds_the_items_whose_sha256_prefix_falls_in_it_whatever_the_file_order()
    {
        using var dir = new TemporaryDirectory();
        var lines = SyntheticItems.Csv(rows: 200, dimension: 3, seed: 7).TrimEnd('\n').Split('\n');
        var shuffled = lines.Skip(1).OrderBy(l => l.GetHashCode(StringComparison.Ordinal)).Prepend(lines[0]);
        var forward = dir.Write("forward.csv", string.Join('\n', lines) + "\n");
        var backward = dir.Write("shuffled.csv", string.Join('\n', shuffled) + "\n");
        Assert.Equal(0, Tool.Run("encode", model.ModelPath, forward, "-o", dir.File("a.csv"), "--shard", "2/5").ExitCode);
        Assert.Equal(0, Tool.Run("encode", model.ModelPath, backward, "-o", dir.File("b.csv"), "--shard", "2/5").ExitCode);

        // The rule, computed here independently: the first 8 bytes of SHA-256 of the UTF-8 id, little-endian, mod N.
        var expected = lines.Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)])
            .Where(id => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(id))) % 5 == 2).Order(StringComparer.Ordinal).ToArray();
        Assert.InRange(expected.Length, 20, 60);
        Assert.Equal(expected, SemanticIdTableReader.Read(dir.File("a.csv")).ItemIds!.Order(StringComparer.Ordinal));
        Assert.Equal(Rows(SemanticIdTableReader.Read(dir.File("a.csv"))), Rows(SemanticIdTableReader.Read(dir.File("b.csv"))));
    }

    [Theory]
    [InlineData("3/3", "numbered from 0")]
    [InlineData("1/0", "between 1 and")]
    [InlineData("one/3", "write i/N")]
    public void A_bad_shard_is_refused_saying_how_to_write_one(string shard, string message)
    {
        using var dir = new TemporaryDirectory();
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("s.csv"), "--shard", shard);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--shard", result.Error);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(dir.File("s.csv")));
    }

    [Fact]
    public void Shard_with_unique_is_refused_pointing_to_merge()
    {
        using var dir = new TemporaryDirectory();
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("s.csv"), "--shard", "0/2", "--unique");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("rqvae merge", result.Error);
    }

    [Fact]
    public void A_missing_shard_is_named_and_nothing_is_written()
    {
        using var dir = new TemporaryDirectory();
        var tables = Shards(dir, model.ModelPath, 3);
        var result = Tool.Run("merge", tables[0], tables[2], "-o", dir.File("m.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("shard 1/3 of the split is missing", result.Error);
        Assert.False(File.Exists(dir.File("m.csv")));
    }

    [Fact]
    public void A_shard_given_twice_names_both_files()
    {
        using var dir = new TemporaryDirectory();
        var tables = Shards(dir, model.ModelPath, 2);
        var copy = dir.File("copy.csv");
        File.Copy(tables[1], copy);
        File.Copy(IdTableMetadata.SidecarPath(tables[1]), IdTableMetadata.SidecarPath(copy));
        File.Copy(ShardSidecar.PathFor(tables[1]), ShardSidecar.PathFor(copy));
        var result = Tool.Run("merge", tables[0], tables[1], copy, "-o", dir.File("m.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("copy.csv", result.Error);
        Assert.Contains("shard 1/2, and so is", result.Error);
        Assert.Contains(Path.GetFileName(tables[1]), result.Error);
    }

    [Fact]
    public void Shards_of_two_models_are_refused_naming_both_files_and_models()
    {
        using var dir = new TemporaryDirectory();
        var other = dir.File("other-model");
        var train = Tool.Run(["train", model.ItemsPath, "-o", other, .. SyntheticItems.TinyModel, "--seed", "99"]);
        Assert.True(train.ExitCode == 0, train.ToString());
        var first = Shards(dir, model.ModelPath, 2, "a");
        var second = Shards(dir, other, 2, "b");
        var result = Tool.Run("merge", first[0], second[1], "-o", dir.File("m.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("a0.csv", result.Error);
        Assert.Contains("b1.csv", result.Error);
        Assert.Contains(SemanticIdTableReader.Read(first[0]).ModelHash!, result.Error);
        Assert.Contains(SemanticIdTableReader.Read(second[1]).ModelHash!, result.Error);
    }

    [Fact]
    public void A_table_without_its_shard_file_is_refused_saying_what_to_merge()
    {
        using var dir = new TemporaryDirectory();
        var plain = dir.File("plain.csv");
        Assert.Equal(0, Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", plain).ExitCode);
        var result = Tool.Run("merge", plain, "-o", dir.File("m.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("plain.csv.shard", result.Error);
        Assert.Contains("--shard i/N", result.Error);
    }

    private static string[] Shards(TemporaryDirectory dir, string modelPath, int count, string prefix = "s")
    {
        var tables = new string[count];
        for (var i = 0; i < count; i++)
        {
            tables[i] = dir.File($"{prefix}{i}.csv");
            var run = Tool.Run("encode", modelPath, ItemsOf(dir), "-o", tables[i], "--shard", $"{i}/{count}");
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        return tables;
    }

    private static string ItemsOf(TemporaryDirectory dir)
    {
        var path = dir.File("items.csv");
        if (!File.Exists(path)) File.WriteAllText(path, SyntheticItems.Csv(rows: 60, dimension: 3, seed: 11));
        return path;
    }

    private static SortedDictionary<string, string> Rows(SemanticIdTable table)
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < table.Count; i++)
            rows[table.ItemIds![i]] = string.Join(',', table.Codes.Slice(i * table.Levels, table.Levels).ToArray());
        return rows;
    }

    private static int Collisions(SemanticIdTable table, int levels)
        => Enumerable.Range(0, table.Count).GroupBy(i => string.Join(',', table.Codes.Slice(i * table.Levels, levels).ToArray())).Where(g => g.Count() > 1).Sum(g => g.Count());

    private static string CollisionLine(string output) => output.Split('\n').Single(l => l.StartsWith("Collisions:", StringComparison.Ordinal));
}
