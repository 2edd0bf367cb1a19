using RqVae.Cli.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Options;

/// <summary>A bad option value is a bad command line: exit 1, naming the flag, without .NET's "(Parameter '…')".</summary>
public sealed class InvalidOptionValueTests
{
    /// <summary>Trains a tiny model with <paramref name="options"/> replacing the tiny model's own value of the same flag.</summary>
    private static CliResult Train(TemporaryDirectory dir, params string[] options)
    {
        var items = dir.Write("items.csv", SyntheticItems.Csv(rows: 32, dimension: 3));
        var tiny = SyntheticItems.TinyModel.Chunk(2).Where(pair => !options.Contains(pair[0])).SelectMany(pair => pair);
        return Tool.Run(["train", items, "-o", dir.File("model"), .. tiny, .. options]);
    }

    [Fact]
    public void Zero_epochs_exits_1_naming_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var result = Train(dir, "--epochs", "0");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--epochs must be positive (got 0)", result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
        Assert.DoesNotContain("Epochs", result.Error);
        Assert.False(Directory.Exists(dir.File("model")) && Directory.EnumerateFileSystemEntries(dir.File("model")).Any());
    }

    [Fact]
    public void A_nested_architecture_setting_names_its_flattened_flag()
    {
        using var dir = new TemporaryDirectory();
        var result = Train(dir, "--latent-dimension", "0");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--latent-dimension must be positive (got 0)", result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
    }

    [Fact]
    public void A_residual_kmeans_setting_names_the_flag_the_user_typed()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(rows: 32, dimension: 3));
        var result = Tool.Run(["train", items, "-o", dir.File("model"), "--tokenizer", "residual-kmeans", "--levels", "2", "--codebook-size", "4", "--kmeans-sample-size", "0"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--kmeans-sample-size must be positive", result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
        Assert.DoesNotContain("SampleSize", result.Error);
    }

    [Fact]
    public void Too_many_threads_are_refused_naming_the_flag_and_the_core_count()
    {
        using var dir = new TemporaryDirectory();
        var result = Train(dir, "--threads", "1000");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--threads 1000", result.Error);
        Assert.Contains($"{Environment.ProcessorCount} cores", result.Error);
        Assert.Contains($"at most {4 * Environment.ProcessorCount}", result.Error);
    }

    [Fact]
    public void A_sane_thread_count_is_accepted()
    {
        using var dir = new TemporaryDirectory();
        var result = Train(dir, "--threads", "1");
        Assert.Equal(ExitCodes.Success, result.ExitCode);
    }

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("1000", "at most")]
    public void Bad_embed_thread_counts_exit_1(string threads, string expected)
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("texts.csv", "id,text\n1,hello\n");
        var result = Tool.Run(["embed", texts, "-o", dir.File("v.npy"), "--embed-threads", threads, "--no-embedding-cache"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"--embed-threads {threads}", result.Error);
        Assert.Contains(expected, result.Error);
    }
}
