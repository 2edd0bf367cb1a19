using System.Text.Json;
using RqVae.Cli.Options;
using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Options;

/// <summary>The global --numerics option (and RQVAE_NUMERICS), applied by the real tool before torch loads.</summary>
public sealed class NumericsOptionTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void The_option_is_found_anywhere_on_the_command_line_before_a_double_dash()
    {
        Assert.Equal("portable", NumericsOption.Find(["train", "x.csv", "--numerics", "portable", "-o", "m"]));
        Assert.Equal("fast", NumericsOption.Find(["--numerics=portable", "eval", "--numerics=fast"]));
        Assert.Null(NumericsOption.Find(["train", "--", "--numerics", "portable"]));
        Assert.Null(NumericsOption.Find(["train", "--numerics"]));
    }

    [Fact]
    public void A_bad_mode_names_where_it_came_from_and_the_retired_variable_earns_a_note()
    {
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?> { ["RQVAE_NUMERICS"] = "avx512", ["RQVAE_MKL_AVX512"] = "1" };
        Assert.Equal(ExitCodes.Usage, NumericsOption.Apply(["eval"], name => environment.GetValueOrDefault(name), error));
        Assert.Contains("the RQVAE_NUMERICS environment variable must be fast or portable (got \"avx512\")", error.ToString());
        Assert.Contains("RQVAE_MKL_AVX512 is no longer read", error.ToString());
        using var flagError = new StringWriter();
        Assert.Equal(ExitCodes.Usage, NumericsOption.Apply(["--numerics", "fastest", "eval"], name => environment.GetValueOrDefault(name), flagError));
        Assert.Contains("--numerics must be fast or portable (got \"fastest\")", flagError.ToString());
    }

    [Fact]
    public void The_real_tool_records_the_mode_it_trained_in_and_refuses_an_unknown_one()
    {
        using var dir = new TemporaryDirectory();
        var timeout = TimeSpan.FromSeconds(90);
        var portable = ToolProcess.Run(dir.Path, timeout, ["--numerics", "portable", "train", model.ItemsPath, "-o", dir.File("portable"), .. SyntheticItems.TinyModel]);
        Assert.True(portable.ExitCode == 0, portable.ToString());
        using var environment = ToolProcess.Start(dir.Path, new Dictionary<string, string> { ["RQVAE_NUMERICS"] = "portable" },
            ["train", model.ItemsPath, "-o", dir.File("from-environment"), "--numerics", "fast", .. SyntheticItems.TinyModel]);
        var fast = environment.WaitForExit(timeout);
        Assert.True(fast.ExitCode == 0, fast.ToString());
        Assert.Equal("numerics portable (MKL_CBWR=AVX2,STRICT, vendor check answered)", Numerics(dir.File("portable")));
        // The flag wins over the environment variable.
        Assert.StartsWith("numerics fast (MKL_CBWR=", Numerics(dir.File("from-environment")));

        var refused = ToolProcess.Run(dir.Path, timeout, "--numerics", "avx512", "eval", model.ModelPath, model.ItemsPath);
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("--numerics must be fast or portable (got \"avx512\")", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
    }

    [Fact]
    public void The_help_shows_the_option_and_its_modes()
    {
        var help = Tool.Run("--help");
        Assert.Contains("--numerics <fast|portable>", help.Output);
        Assert.Contains("RQVAE_NUMERICS", help.Output);
    }

    private static string? Numerics(string modelFolder)
    {
        using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelFolder, "training.json")));
        return log.RootElement.GetProperty("facts").GetProperty("numerics").GetString();
    }
}
