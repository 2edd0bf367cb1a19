using RqVae.Cli.Tests.Support;
using RqVae.Model;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Output;

/// <summary>
/// --overwrite replaces only what rqvae wrote, and no output may be an input of its command or lie inside a
/// model folder, with or without --overwrite. Run through the built tool, as a user would run it.
/// </summary>
public sealed class OutputPlacementTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private const string Keep = "keep\n";

    [Fact]
    public void Train_overwrite_refuses_the_current_folder_that_holds_the_input_and_a_foreign_file()
    {
        using var dir = new TemporaryDirectory();
        var work = dir.File("s");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "keep.txt"), Keep);
        File.Copy(model.ItemsPath, Path.Combine(work, "items.csv"));

        var result = ToolProcess.Run(work, Timeout, ["train", "items.csv", "-o", ".", "--overwrite", .. TinyModelWithEpochs(1)]);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("items.csv", result.Error);
        Assert.Contains("input", result.Error);
        Assert.Equal(Keep, File.ReadAllText(Path.Combine(work, "keep.txt")));
        Assert.Equal(File.ReadAllText(model.ItemsPath), File.ReadAllText(Path.Combine(work, "items.csv")));
        Assert.Equal(["items.csv", "keep.txt"], Directory.GetFileSystemEntries(work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Train_overwrite_refuses_a_folder_with_a_file_rqvae_did_not_write_naming_it()
    {
        using var dir = new TemporaryDirectory();
        var work = dir.File("s");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "keep.txt"), Keep);

        var result = ToolProcess.Run(work, Timeout, ["train", model.ItemsPath, "-o", ".", "--overwrite", .. TinyModelWithEpochs(1)]);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("'./keep.txt' was not written by rqvae", result.Error);
        Assert.Contains("--overwrite", result.Error);
        Assert.Equal(Keep, File.ReadAllText(Path.Combine(work, "keep.txt")));
        Assert.Equal(["s"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName)); // no .partial left beside it
    }

    [Fact]
    public void Train_overwrite_refuses_a_model_folder_that_also_holds_a_foreign_file()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        CopyFolder(model.ModelPath, folder);
        var notes = Path.Combine(folder, "notes.md");
        File.WriteAllText(notes, Keep);
        var weights = File.ReadAllBytes(Path.Combine(folder, "model.safetensors"));

        var result = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "model", "--overwrite", .. SyntheticItems.TinyModel]);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("'model/notes.md' was not written by rqvae", result.Error);
        Assert.Equal(Keep, File.ReadAllText(notes));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
    }

    [Fact]
    public void Train_overwrite_refuses_a_folder_whose_config_is_not_an_rqvae_model()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"format\": \"something-else\"}");

        var result = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "out", "--overwrite", .. SyntheticItems.TinyModel]);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("out/config.json", result.Error);
        Assert.True(File.Exists(Path.Combine(folder, "config.json")));
    }

    [Fact]
    public void Train_overwrite_replaces_a_model_folder_with_its_checkpoints_and_temporary_files()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        CopyFolder(model.ModelPath, folder);
        File.WriteAllText(Path.Combine(folder, "checkpoint-epoch-0007.safetensors"), "old");
        File.WriteAllText(Path.Combine(folder, "training.ckpt"), "old");

        var result = ToolProcess.Run(dir.Path, Timeout, ["train", model.ItemsPath, "-o", "model", "--overwrite", .. SyntheticItems.TinyModel]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(Path.Combine(folder, "checkpoint-epoch-0007.safetensors")));
        using var loaded = RqVaeTokenizer.Load(folder);
        Assert.Equal(3, loaded.InputDimension);
    }

    [Fact]
    public void Encode_refuses_to_write_over_its_own_items_even_with_overwrite()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", File.ReadAllText(model.ItemsPath));
        var before = File.ReadAllText(items);

        var result = ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, "items.csv", "-o", "items.csv", "--overwrite");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("items.csv", result.Error);
        Assert.Contains("input", result.Error);
        Assert.Equal(before, File.ReadAllText(items));
        Assert.False(File.Exists(items + ".meta.json"));
    }

    [Fact]
    public void Encode_refuses_to_write_inside_the_model_folder_even_with_overwrite()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        CopyFolder(model.ModelPath, folder);
        var config = File.ReadAllText(Path.Combine(folder, "config.json"));

        foreach (var target in new[] { "model/config.json", "model/ids.csv" })
        {
            var result = ToolProcess.Run(dir.Path, Timeout, "encode", "model", model.ItemsPath, "-o", target, "--overwrite");
            Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
            Assert.Contains("model folder", result.Error);
        }
        Assert.Equal(config, File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.False(File.Exists(Path.Combine(folder, "ids.csv")));
        using var loaded = RqVaeTokenizer.Load(folder);
    }

    [Fact]
    public void Eval_refuses_a_json_file_that_is_its_input_or_lies_in_the_model_folder()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        CopyFolder(model.ModelPath, folder);
        var metrics = File.ReadAllText(Path.Combine(folder, "metrics.json"));

        var inModel = ToolProcess.Run(dir.Path, Timeout, "eval", "model", model.ItemsPath, "--json", "model/metrics.json", "--overwrite");
        Assert.True(inModel.ExitCode == ExitCodes.BadInput, inModel.ToString());
        Assert.Contains("model folder", inModel.Error);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(folder, "metrics.json")));

        var items = dir.Write("items.csv", File.ReadAllText(model.ItemsPath));
        var onInput = ToolProcess.Run(dir.Path, Timeout, "eval", "model", "items.csv", "--json", "items.csv", "--overwrite");
        Assert.True(onInput.ExitCode == ExitCodes.BadInput, onInput.ToString());
        Assert.Equal(File.ReadAllText(model.ItemsPath), File.ReadAllText(items));
    }

    [Fact]
    public void Embed_refuses_to_write_its_vectors_over_its_texts()
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("texts.csv", "id,text\na,hello\n");

        var result = ToolProcess.Run(dir.Path, Timeout, "embed", "texts.csv", "-o", "texts.csv", "--overwrite");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("input", result.Error);
        Assert.Equal("id,text\na,hello\n", File.ReadAllText(texts));
    }

    [Fact]
    public void MovieLens_overwrite_refuses_a_run_folder_with_a_foreign_file_before_fetching_anything()
    {
        using var dir = new TemporaryDirectory();
        var run = dir.File("run");
        CopyFolder(model.ModelPath, Path.Combine(run, "model"));
        File.WriteAllText(Path.Combine(run, "ids.csv"), "item_id,c0,c1\n");
        File.WriteAllText(Path.Combine(run, "movies.csv"), "movieId,title\n");
        File.WriteAllText(Path.Combine(run, "keep.txt"), Keep);

        var result = ToolProcess.Run(dir.Path, Timeout, "movielens", "-o", "run", "--overwrite", "--features", "genres", "--data-dir", "no-data");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("'run/keep.txt' was not written by rqvae", result.Error);
        Assert.Equal(Keep, File.ReadAllText(Path.Combine(run, "keep.txt")));
        Assert.False(Directory.Exists(dir.File("no-data")));
    }

    [Fact]
    public void MovieLens_overwrite_refuses_a_folder_without_the_run_s_model_folder()
    {
        using var dir = new TemporaryDirectory();
        var run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "movies.csv"), "my own list\n");

        var result = ToolProcess.Run(dir.Path, Timeout, "movielens", "-o", "run", "--overwrite", "--features", "genres", "--data-dir", "no-data");

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("model/", result.Error);
        Assert.Equal("my own list\n", File.ReadAllText(Path.Combine(run, "movies.csv")));
    }

    /// <summary><see cref="SyntheticItems.TinyModel"/> with another number of epochs.</summary>
    internal static string[] TinyModelWithEpochs(int epochs)
    {
        var args = SyntheticItems.TinyModel.ToArray();
        args[Array.IndexOf(args, "--epochs") + 1] = epochs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return args;
    }

    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
