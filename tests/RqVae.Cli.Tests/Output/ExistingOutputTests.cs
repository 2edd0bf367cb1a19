using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Output;

/// <summary>An output that already exists is refused (naming it and --overwrite) or, with --overwrite, replaced whole.</summary>
public sealed class ExistingOutputTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string Old = "an older file that must survive a refusal\n";

    [Fact]
    public void Encode_refuses_an_existing_table_and_replaces_it_with_overwrite()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.Write("ids.csv", Old);
        var refused = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains(table, refused.Error);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal(Old, File.ReadAllText(table));

        var replaced = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--overwrite");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(64, SemanticIdTableReader.Read(table).Count);
        Assert.Equal(["ids.csv", "ids.csv.meta.json"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)); // nothing temporary left beside it
    }

    [Fact]
    public void Encode_unique_refuses_an_existing_table_too()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.Write("ids.parquet", Old);
        var refused = Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique");
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Equal(Old, File.ReadAllText(table));
        Assert.Equal(0, Tool.Run("encode", model.ModelPath, model.ItemsPath, "-o", table, "--unique", "--overwrite").ExitCode);
        Assert.Equal(64, SemanticIdTableReader.Read(table).Count);
    }

    [Fact]
    public void Eval_json_refuses_an_existing_file_and_replaces_it_with_overwrite()
    {
        using var dir = new TemporaryDirectory();
        var json = dir.Write("metrics.json", Old);
        var refused = Tool.Run("eval", model.ModelPath, model.ItemsPath, "--json", json);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal(Old, File.ReadAllText(json));

        Assert.Equal(0, Tool.Run("eval", model.ModelPath, model.ItemsPath, "--json", json, "--overwrite").ExitCode);
        using var parsed = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(64, parsed.RootElement.GetProperty("items").GetInt32());
    }

    [Fact]
    public void Embed_refuses_an_existing_vectors_file_before_loading_the_text_model()
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("texts.csv", "id,text\na,hello\n");
        var vectors = dir.Write("vectors.npy", Old);
        var refused = Tool.Run("embed", texts, "-o", vectors);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal(Old, File.ReadAllText(vectors));
    }

    [Fact]
    public void Train_refuses_an_existing_model_folder_and_replaces_it_whole_with_overwrite()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        // A model folder of an earlier run, with a checkpoint that run left (--overwrite replaces only what rqvae wrote).
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(model.ModelPath)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var stale = Path.Combine(folder, "checkpoint-epoch-0099.safetensors");
        File.WriteAllText(stale, Old);
        var before = Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal).ToArray();

        var refused = Tool.Run(["train", model.ItemsPath, "-o", folder, .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("already exists", refused.Error);
        Assert.Contains("--overwrite", refused.Error);
        Assert.Equal(before, Directory.GetFileSystemEntries(folder).Order(StringComparer.Ordinal));
        Assert.Equal(Old, File.ReadAllText(stale));

        var replaced = Tool.Run(["train", model.ItemsPath, "-o", folder, "--overwrite", .. SyntheticItems.TinyModel]);
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.False(File.Exists(stale)); // replaced whole, not merged
        using (var loaded = RqVaeTokenizer.Load(folder)) Assert.Equal(3, loaded.InputDimension);
        Assert.Contains(folder, replaced.Output); // messages name the final folder, not the staging one
        Assert.Equal([folder], Directory.GetDirectories(dir.Path)); // no .partial or .old left

        // A second --overwrite swaps a complete folder for a complete folder.
        var again = Tool.Run(["train", model.ItemsPath, "-o", folder, "--overwrite", .. SyntheticItems.TinyModel, "--seed", "3"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        using (var loaded = RqVaeTokenizer.Load(folder)) Assert.Equal("3", ModelConfig.Read(Path.Combine(folder, "config.json")).Training!["seed"]);
        Assert.Equal([folder], Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void Overwrite_keeps_the_old_folder_when_the_new_run_fails()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        Assert.Equal(0, Tool.Run(["train", model.ItemsPath, "-o", folder, .. SyntheticItems.TinyModel]).ExitCode);
        var weights = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));
        var bad = dir.Write("bad.csv", "id,f0,f1,f2\na,1,2,x\n");
        var failed = Tool.Run(["train", bad, "-o", folder, "--overwrite", .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, failed.ExitCode);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.Equal([folder], Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void Resume_and_overwrite_exclude_each_other()
    {
        using var dir = new TemporaryDirectory();
        var result = Tool.Run(["train", model.ItemsPath, "-o", dir.File("model"), "--overwrite", "--resume", .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("exclude each other", result.Error);
    }

    [Fact]
    public void MovieLens_refuses_an_existing_run_folder_before_fetching_anything()
    {
        using var dir = new TemporaryDirectory();
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "ids.csv"), Old);
        var result = Tool.Run("movielens", "-o", run, "--features", "genres", "--data-dir", dir.File("no-data"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--overwrite", result.Error);
        Assert.False(Directory.Exists(dir.File("no-data")));
    }
}
