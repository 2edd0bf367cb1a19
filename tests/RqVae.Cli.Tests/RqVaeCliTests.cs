using System.Reflection;
using RqVae.Cli.Options;
using RqVae.Cli.Tests.Support;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.ResidualKMeans;
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
    [InlineData("export", "--verify")]
    [InlineData("recommend", "predictions.csv")]
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
        foreach (var command in new[] { "movielens", "embed", "train", "encode", "merge", "eval", "similar", "catalogue", "export", "recommend" }) Assert.Contains(command, result.Output);
    }

    [Fact]
    public void Every_trainer_setting_is_an_option()
    {
        var set = new TrainerOptionSet(TokenizerKinds.All, kind => kind.CreateDefaultOptions());
        Assert.Empty(set.Unsupported);
        var names = set.Options.Select(o => o.Name).ToHashSet();
        // Every setting of every kind's options and of the settings records nested in them (architecture, quantizer).
        var settings = TokenizerKinds.All.SelectMany(kind => Settings(kind.OptionsType)).Where(p => p.Name != nameof(RqVaeOptions.InputDimension)).ToList();
        Assert.Contains(settings, p => p.DeclaringType == typeof(QuantizerOptions));
        foreach (var property in settings)
            Assert.Contains("--" + TrainerOptionSet.KebabCase(property.Name), names);
    }

    [Fact]
    public void The_flags_of_the_settings_keep_their_names()
    {
        // The flags as they were before the quantizer's settings moved into one record: scripts use them.
        string[] flags =
        [
            "--balanced-assignment", "--batch-size", "--beam-width", "--checkpoint-selection", "--checkpoint-selection-window", "--code-usage-decay",
            "--codebook-size", "--commitment-weight", "--convergence-check-steps", "--convergence-patience", "--convergence-tolerance", "--cooldown-fraction", "--cosine-codebooks", "--dead-code-reset", "--dead-code-threshold", "--ema-decay", "--ema-epsilon",
            "--epochs", "--evaluate-every", "--gradient-clip-norm", "--gradient-estimator", "--hidden-dimensions", "--kmeans-init", "--kmeans-iterations",
            "--kmeans-sample-size", "--latent-dimension", "--learning-rate", "--levels", "--max-steps", "--min-learning-rate-factor", "--monitor-sample-size", "--normalize-reconstruction-loss",
            "--optimizer", "--progressive-dimension-steps", "--quantizer", "--schedule", "--seed", "--sinkhorn-epsilon", "--sinkhorn-iterations",
            "--sinkhorn-levels", "--step-decay-interval", "--step-decay-rate", "--threads", "--training-sample-size", "--warmup-fraction", "--warmup-steps", "--weight-decay",
        ];
        var set = new TrainerOptionSet(TokenizerKinds.All, kind => kind.CreateDefaultOptions());
        Assert.Equal(flags.Order(StringComparer.Ordinal), set.Options.Select(o => o.Name).Order(StringComparer.Ordinal));
        var codebookSize = set.Options.Single(o => o.Name == "--codebook-size");
        Assert.Contains("-k", codebookSize.Aliases);
        // Residual k-means shares the flags whose settings have the same name.
        var kmeans = TokenizerKinds.All.Single(k => k.OptionsType == typeof(ResidualKMeansOptions));
        Assert.Equal(["--beam-width", "--codebook-size", "--kmeans-iterations", "--kmeans-sample-size", "--levels", "--progressive-dimension-steps", "--seed", "--threads"],
            set.OptionNames(kmeans).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<PropertyInfo> Settings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true })
            .SelectMany(p => p.PropertyType.IsClass && p.PropertyType.Namespace?.StartsWith("RqVae", StringComparison.Ordinal) == true && p.PropertyType.GetConstructor(Type.EmptyTypes) is not null
                ? Settings(p.PropertyType)
                : [p]);

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
        Assert.False(options.Model.Quantization.KMeansInit);
        Assert.Equal(12L, options.WarmupSteps);
        var defaults = new RqVaeTrainerOptions();
        Assert.Equal(defaults.BatchSize, options.BatchSize);
        Assert.Equal(defaults.LearningRate, options.LearningRate);
        Assert.Equal(defaults.Model.Quantization.Levels, options.Model.Quantization.Levels);
        Assert.True(options.Model.Quantization.DeadCodeReset);
    }

    [Theory]
    [InlineData("LearningRate", "learning-rate")]
    [InlineData("KMeansSampleSize", "kmeans-sample-size")]
    [InlineData("EmaEpsilon", "ema-epsilon")]
    [InlineData("Epochs", "epochs")]
    public void Option_names_are_kebab_case(string property, string expected) => Assert.Equal(expected, TrainerOptionSet.KebabCase(property));
}
