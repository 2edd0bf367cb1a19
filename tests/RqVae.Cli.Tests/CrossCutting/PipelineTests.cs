using System.Text.Json;
using RqVae.Cli.Output;
using RqVae.Cli.Tests.Support;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.IO;
using RqVae.Data.Items;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>train → encode → eval → similar on synthetic items, every input and output format, and Ctrl-C.</summary>
public sealed class PipelineTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Train_writes_a_loadable_model_folder_with_metrics_log_and_report()
    {
        foreach (var file in new[] { "config.json", "model.safetensors", "training.json", "metrics.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(model.ModelPath, file)), file);
        Assert.Empty(Directory.GetFiles(model.ModelPath, "checkpoint-epoch-*"));
        using var tokenizer = RqVaeTokenizer.Load(model.ModelPath);
        Assert.Equal(3, tokenizer.InputDimension);
        Assert.Equal(2, tokenizer.Levels);
        var html = File.ReadAllText(Path.Combine(model.ModelPath, "report.html"));
        Assert.Equal(4, html.Split("data:image/png;base64,").Length - 1); // loss, perplexity (the last epoch is always measured), code usage, buckets
        Assert.DoesNotContain("http", html.Replace("http-equiv", "")); // opens offline: nothing fetched
    }

    [Theory]
    [InlineData("ids.csv")]
    [InlineData("ids.tsv")]
    [InlineData("ids.parquet")]
    [InlineData("ids.jsonl")]
    public void Encode_writes_every_output_format_with_the_ids_of_every_item(string name)
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File(name);
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", output, "--batch-size", "10");
        Assert.True(result.ExitCode == 0, result.ToString());
        var table = SemanticIdTableReader.Read(output);
        Assert.Equal(64, table.Count);
        Assert.Equal(2, table.Levels);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"item{i}"), table.ItemIds);
        Assert.All(table.Codes.ToArray(), c => Assert.InRange(c, 0, 3));

        // Streaming in batches of 10 gives the same IDs as encoding everything at once.
        using var tokenizer = RqVaeTokenizer.Load(model.ModelPath);
        var features = FeatureReader.Load(model.ItemsPath);
        Assert.Equal(tokenizer.Encode(features.Values).Codes.ToArray(), table.Codes.ToArray());
        Assert.Equal(tokenizer.Identity().ModelSha256, table.ModelHash); // settings and weights, not the weights alone
    }

    [Theory]
    [InlineData("items.npy")]
    [InlineData("items.parquet")]
    [InlineData("items.jsonl")]
    [InlineData("items.tsv")]
    public void Every_input_format_gives_the_same_ids(string name)
    {
        using var dir = new TemporaryDirectory();
        var features = FeatureReader.Load(model.ItemsPath);
        var input = dir.File(name);
        FeatureFileWriter.Write(input, DataFileFormat.Auto, features.Ids, features.Values, features.Dimension);
        var expected = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("expected.csv"));
        var actual = Tool.Run("encode", model.ModelPath, input, "-o", dir.File("actual.csv"));
        Assert.True(expected.ExitCode == 0 && actual.ExitCode == 0, expected + "\n" + actual);
        var a = SemanticIdTableReader.Read(dir.File("expected.csv"));
        var b = SemanticIdTableReader.Read(dir.File("actual.csv"));
        Assert.Equal(a.ItemIds, b.ItemIds); // .npy ids come from the .ids.txt sidecar
        Assert.Equal(a.Codes.ToArray(), b.Codes.ToArray());
    }

    [Fact]
    public void Format_flag_overrides_the_extension()
    {
        using var dir = new TemporaryDirectory();
        var input = dir.File("items.data");
        File.Copy(model.ItemsPath, input);
        var output = dir.File("ids.out");
        var result = Tool.Run("encode", model.ModelPath, input, "--format", "csv", "-o", output, "--output-format", "jsonl");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("{\"item_id\":\"item0\"", File.ReadLines(output).First());
    }

    [Fact]
    public void Eval_prints_tables_and_json_that_agree_with_the_ids()
    {
        using var dir = new TemporaryDirectory();
        var jsonPath = dir.File("metrics.json");
        var result = Tool.Run("eval", model.ModelPath, model.ItemsPath, "--json", jsonPath);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("perplexity", result.Output);
        Assert.Contains("collision rate", result.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var root = json.RootElement;
        Assert.Equal(64, root.GetProperty("items").GetInt32());

        // Recount the figures from the ID table independently.
        Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("ids.csv"));
        var table = SemanticIdTableReader.Read(dir.File("ids.csv"));
        var distinct = Enumerable.Range(0, table.Count).Select(r => string.Join('-', table[r].ToArray())).Distinct().Count();
        var collisions = root.GetProperty("collisions");
        Assert.Equal(distinct, collisions.GetProperty("distinctIds").GetInt32());
        Assert.Equal(1 - distinct / 64.0, collisions.GetProperty("collisionRate").GetDouble(), 12);
        var levels = root.GetProperty("levels");
        Assert.Equal(2, levels.GetArrayLength());
        for (var l = 0; l < 2; l++)
        {
            var active = Enumerable.Range(0, table.Count).Select(r => table[r][l]).Distinct().Count();
            Assert.Equal(active, levels[l].GetProperty("activeCodes").GetInt32());
        }
        var cosine = root.GetProperty("reconstruction").GetProperty("meanCosine").GetDouble();
        Assert.InRange(cosine, -1, 1);

        var stdout = Tool.Run("eval", model.ModelPath, model.ItemsPath, "--json", "-");
        using var again = JsonDocument.Parse(stdout.Output);
        Assert.Equal(distinct, again.RootElement.GetProperty("collisions").GetProperty("distinctIds").GetInt32());
    }

    [Fact]
    public void Similar_lists_neighbours_by_id_with_titles()
    {
        using var dir = new TemporaryDirectory();
        Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", dir.File("ids.csv"));
        var titles = dir.Write("titles.csv", "id,title\n" + string.Join("\n", Enumerable.Range(0, 64).Select(i => $"item{i},Title number {i}")) + "\n");
        var result = Tool.Run("similar", model.ModelPath, dir.File("ids.csv"), "--items", titles, "--item", "item4", "--title", "number 7", "-n", "3");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Similar to item4 Title number 4", result.Output);
        Assert.Contains("Similar to item7 Title number 7", result.Output);

        var missing = Tool.Run("similar", model.ModelPath, dir.File("ids.csv"), "--item", "no-such-item");
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("no-such-item", missing.Error);
    }

    [Fact]
    public void Encode_unique_gives_every_item_its_own_id_and_similar_reads_it()
    {
        // 64 items but only 4 × 4 = 16 possible IDs: collisions are certain, so the extra code must appear.
        using var dir = new TemporaryDirectory();
        var output = dir.File("unique.csv");
        var result = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", output, "--unique");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Collisions:", result.Output);
        var table = SemanticIdTableReader.Read(output);
        Assert.Equal(64, table.Count);
        Assert.Equal(3, table.Levels);
        Assert.Equal(64, Enumerable.Range(0, 64).Select(r => string.Join('-', table[r].ToArray())).Distinct().Count());
        for (var r = 0; r < 64; r++)
        {
            Assert.InRange(table[r][0], 0, 3);
            Assert.InRange(table[r][1], 0, 3);
        }

        var similar = Tool.Run("similar", model.ModelPath, output, "--item", "item3", "-n", "4");
        Assert.True(similar.ExitCode == 0, similar.ToString());
        Assert.Contains("Similar to item3", similar.Output);
    }

    [Fact]
    public void Similar_refuses_an_id_table_of_another_model()
    {
        using var dir = new TemporaryDirectory();
        var other = dir.File("other");
        Assert.Equal(0, Tool.Run(["train", model.ItemsPath, "-o", other, .. SyntheticItems.TinyModel, "--seed", "7"]).ExitCode);
        Tool.Run("encode", other, model.ItemsPath, "-o", dir.File("ids.csv"));
        var result = Tool.Run("similar", model.ModelPath, dir.File("ids.csv"), "--item", "item1");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("another model", result.Error);
    }

    [Fact]
    public async Task Cancelling_training_keeps_the_last_complete_checkpoint()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(256, 3));
        var modelDir = dir.File("model");
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => Tool.Run(stop.Token, ["train", items, "-o", modelDir, "--epochs", "100000", "--batch-size", "16",
            "--hidden-dimensions", "8", "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0"]));
        var config = Path.Combine(modelDir, "config.json");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(config) && DateTime.UtcNow < deadline && !run.IsCompleted) await Task.Delay(20);
        await Task.Delay(200); // let a few more epochs complete
        stop.Cancel();
        var result = await run;

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Contains("last complete checkpoint", result.Error);
        using var tokenizer = RqVaeTokenizer.Load(modelDir); // config and weights agree
        var checkpoint = ModelConfig.Read(config);
        Assert.StartsWith("checkpoint-epoch-", checkpoint.WeightsFile);
        Assert.Single(Directory.GetFiles(modelDir, "checkpoint-epoch-*.safetensors"));
        var epoch = int.Parse(checkpoint.Training!["checkpointEpoch"]);
        Assert.InRange(epoch, 1, 99_999);
        Assert.True(File.Exists(Path.Combine(modelDir, "report.html")));
        Assert.Empty(Directory.GetFiles(modelDir, "*.tmp"));
    }
}
