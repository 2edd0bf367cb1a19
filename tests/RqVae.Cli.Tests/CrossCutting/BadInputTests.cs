using RqVae.Cli.Tests.Support;
using RqVae.Data.Npy;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>Every kind of bad input: a clear message naming the file (and row/column), a non-zero exit code, no output left behind.</summary>
public sealed class BadInputTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string Header = "id,f0,f1,f2\n";

    private (CliResult Result, string OutputDir) Encode(string itemsPath, params string[] extra)
    {
        var outputDir = Path.Combine(Path.GetDirectoryName(itemsPath)!, "out-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outputDir);
        var result = Tool.Run(["encode", model.ModelPath, itemsPath, "-o", Path.Combine(outputDir, "ids.csv"), .. extra]);
        return (result, outputDir);
    }

    private static void AssertFailed(CliResult result, string outputDir, params string[] mentions)
    {
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        foreach (var text in mentions) Assert.Contains(text, result.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outputDir)); // neither the table nor a temporary file
    }

    [Fact]
    public void Ragged_csv_names_file_and_row()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("ragged.csv", Header + "a,1,2,3\nb,1,2\n"));
        AssertFailed(result, output, "ragged.csv", "row 2", "3 cells", "4 columns");
    }

    [Fact]
    public void Non_numeric_cell_names_file_row_and_column()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("words.csv", Header + "a,1,2,3\nb,1,two,3\n"));
        AssertFailed(result, output, "words.csv", "row 2", "column 'f1'", "'two' is not a number");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NaN_or_Inf_names_file_row_and_column(string value)
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("nonfinite.csv", Header + $"a,1,2,3\nb,1,2,3\nc,4,5,{value}\n"));
        AssertFailed(result, output, "nonfinite.csv", "row 3", "column 'f2'", "not a finite number");
    }

    [Fact]
    public void Feature_dimension_that_does_not_match_the_model_names_both()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("four.csv", "id,f0,f1,f2,f3\na,1,2,3,4\n"));
        AssertFailed(result, output, "four.csv", "4 features per item", model.ModelPath, "takes 3");
    }

    [Fact]
    public void Empty_file_names_the_file()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("empty.csv", ""));
        AssertFailed(result, output, "empty.csv", "empty");
    }

    [Fact]
    public void Header_without_rows_names_the_file()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("header-only.csv", Header));
        AssertFailed(result, output, "header-only.csv", "no data rows");
    }

    [Fact]
    public void Missing_column_names_file_and_column()
    {
        using var dir = new TemporaryDirectory();
        var (result, output) = Encode(dir.Write("items.csv", Header + "a,1,2,3\n"), "--id-column", "sku");
        AssertFailed(result, output, "items.csv", "column 'sku' is missing");
    }

    [Fact]
    public void Truncated_npy_names_the_file()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("vectors.npy");
        NpyFeatureWriter.Write(path, Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 3);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var (result, output) = Encode(path);
        AssertFailed(result, output, "vectors.npy");
        Assert.Contains("10 rows", result.Error); // says how much data the header promised
    }

    [Fact]
    public void Directory_that_is_not_a_model_names_the_missing_config()
    {
        using var dir = new TemporaryDirectory();
        var notAModel = Path.Combine(dir.Path, "not-a-model");
        Directory.CreateDirectory(notAModel);
        var items = dir.Write("items.csv", Header + "a,1,2,3\n");
        var outputDir = dir.File("out");
        Directory.CreateDirectory(outputDir);
        var result = Tool.Run("encode", notAModel, items, "-o", Path.Combine(outputDir, "ids.csv"));
        AssertFailed(result, outputDir, Path.Combine(notAModel, "config.json"), "not a model directory");
    }

    [Fact]
    public void Model_with_corrupted_weights_is_refused()
    {
        using var dir = new TemporaryDirectory();
        var copy = dir.File("model");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(model.ModelPath)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        var weights = Path.Combine(copy, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var result = Tool.Run("eval", copy, model.ItemsPath);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("model.safetensors", result.Error);
        Assert.Contains("SHA-256", result.Error);
    }

    [Fact]
    public void Training_on_a_bad_file_writes_no_model_folder()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("bad.csv", Header + "a,1,2,3\nb,x,2,3\n");
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("bad.csv", result.Error);
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Fact]
    public void Invalid_trainer_setting_is_named()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(16, 3));
        var result = Tool.Run("train", items, "-o", dir.File("model"), "--epochs", "0");
        Assert.Equal(ExitCodes.Usage, result.ExitCode); // a bad option value is a bad command line
        Assert.Contains("--epochs must be positive", result.Error);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var result = Tool.Run("train", "items.csv", "-o", "m", "--no-such-option");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error);
    }
}
