using System.Reflection;
using RqVae.Cli.Options;
using RqVae.Cli.Tests.Support;
using RqVae.Model;
using RqVae.Tokenizers;
using RqVae.Training;

namespace RqVae.Cli.Tests;

public sealed class RqVaeCliTests
{
    [Theory]
    [InlineData("movielens", "MovieLens")]
    [InlineData("embed", "all-MiniLM-L6-v2")]
    [InlineData("train", "--checkpoint-every")]
    [InlineData("encode", "--output-format")]
    [InlineData("eval", "--json")]
    [InlineData("similar", "--title")]
    public void Every_command_has_help(string command, string mentioned)
    {
        var result = Tool.Run(command, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains($"\n  rqvae {command} ", result.Output.ReplaceLineEndings("\n"));
        Assert.Contains(mentioned, result.Output);
    }

    [Fact]
    public void A_wrong_command_line_shows_the_help_under_the_commands_own_name()
    {
        var result = Tool.Run("bogus");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'bogus'", result.Error);
        Assert.Contains("\n  rqvae [command] [options]", result.Output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Root_help_lists_every_command()
    {
        var result = Tool.Run("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "movielens", "embed", "train", "encode", "eval", "similar" }) Assert.Contains(command, result.Output);
    }

    [Fact]
    public void Every_trainer_setting_is_an_option()
    {
        var set = new TrainerOptionSet(TokenizerKinds.All, kind => kind.CreateDefaultOptions());
        Assert.Empty(set.Unsupported);
        var names = set.Options.Select(o => o.Name).ToHashSet();
        var settings = typeof(RqVaeTrainerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != nameof(RqVaeTrainerOptions.Model))
            .Concat(typeof(RqVaeOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != nameof(RqVaeOptions.InputDimension)))
            .Where(p => p.SetMethod is { IsPublic: true });
        foreach (var property in settings)
            Assert.Contains("--" + TrainerOptionSet.KebabCase(property.Name), names);
    }

    [Fact]
    public void Typed_options_reach_the_trainer_options_and_untyped_keep_defaults()
    {
        var set = new TrainerOptionSet(TokenizerKinds.All, kind => kind.CreateDefaultOptions());
        var command = new System.CommandLine.RootCommand();
        set.AddTo(command);
        var parse = command.Parse(["--epochs", "7", "--hidden-dimensions", "64,32", "--optimizer", "adagrad", "--beta", "0.5", "--kmeans-init", "false", "--warmup-steps", "12"]);
        Assert.Empty(parse.Errors);
        var options = (RqVaeTrainerOptions)set.Apply(parse, TokenizerKinds.Default, new RqVaeTrainerOptions());
        Assert.Equal(7, options.Epochs);
        Assert.Equal([64, 32], options.Model.HiddenDimensions);
        Assert.Equal(OptimizerKind.Adagrad, options.Optimizer);
        Assert.Equal(0.5, options.Model.CommitmentWeight);
        Assert.False(options.KMeansInit);
        Assert.Equal(12L, options.WarmupSteps);
        var defaults = new RqVaeTrainerOptions();
        Assert.Equal(defaults.BatchSize, options.BatchSize);
        Assert.Equal(defaults.LearningRate, options.LearningRate);
        Assert.Equal(defaults.Model.Levels, options.Model.Levels);
    }

    [Theory]
    [InlineData("LearningRate", "learning-rate")]
    [InlineData("KMeansSampleSize", "kmeans-sample-size")]
    [InlineData("EmaEpsilon", "ema-epsilon")]
    [InlineData("Epochs", "epochs")]
    public void Option_names_are_kebab_case(string property, string expected) => Assert.Equal(expected, TrainerOptionSet.KebabCase(property));
}
