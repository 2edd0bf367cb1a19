using RqVae.Cli.Ids;
using RqVae.Cli.Models;
using RqVae.Cli.Tests.Support;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>What streaming changed in `rqvae encode`: --unique streams its input, and a repeated id is still refused.</summary>
public sealed class StreamingEncodeCliTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Unique_read_in_small_batches_gives_the_table_of_resolving_all_items_at_once()
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File("unique.csv");
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", output, "--unique", "--batch-size", "10");
        Assert.True(result.ExitCode == 0, result.ToString());

        // The reference: the library's resolver over the whole matrix in one call, as the tool did before it streamed.
        var data = FeatureReader.Load(model.ItemsPath);
        using var folder = ModelFolder.Load(model.ModelPath);
        var (expected, report) = UniqueIds.Resolve(folder.Tokenizer, data.Ids, data.Values, new CollisionOptions());
        var table = SemanticIdTableReader.Read(output);
        Assert.Equal(data.Ids, table.ItemIds);
        Assert.Equal(expected.Levels, table.Levels);
        Assert.Equal(expected.Codes.ToArray(), table.Codes.ToArray());
        Assert.Contains(UniqueIds.Describe(report), result.Output);
    }

    [Fact]
    public void A_repeated_id_far_apart_is_refused_naming_both_rows_and_no_table_is_written()
    {
        using var dir = new TemporaryDirectory();
        var lines = File.ReadAllLines(model.ItemsPath).ToList();
        lines.Add("item1" + lines[2][lines[2].IndexOf(',', StringComparison.Ordinal)..]); // data row 65 repeats row 2's id
        var items = dir.Write("items.csv", string.Join('\n', lines) + "\n");
        var output = dir.File("ids.csv");
        var result = Tool.Run("encode", model.ModelPath, items, "-o", output, "--batch-size", "8");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("id 'item1' appears twice, in rows 2 and 65", result.Error);
        Assert.False(File.Exists(output));
    }
}
