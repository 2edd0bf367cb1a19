using System.Text.Json;
using RqVae.Cli.Output;
using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>What a training run records and shows: the effective settings, levels numbered as the tables number them, honest percentages, why the total loss may rise.</summary>
[Collection(SerialCollection.Name)]
public sealed class TrainingOutputsTests
{
    [Fact]
    public void Training_json_metrics_json_report_and_progress_say_what_the_run_did()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(32, 3));
        var model = dir.File("model");
        var result = Tool.Run(["train", items, "-o", model, .. SyntheticItems.TinyModel]);
        Assert.True(result.ExitCode == 0, result.ToString());

        // The input dimension the data gave (3 feature columns), not the 0 ("from the data") of the command line.
        using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "training.json")));
        Assert.Equal(3, log.RootElement.GetProperty("options").GetProperty("model").GetProperty("inputDimension").GetInt32());

        // Levels 1 and 2, as the tables print them.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "metrics.json")));
        Assert.Equal([1, 2], metrics.RootElement.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level").GetInt32()));
        var epochLevels = log.RootElement.GetProperty("history").EnumerateArray().Last().GetProperty("evaluation").GetProperty("levels");
        Assert.Equal([1, 2], epochLevels.EnumerateArray().Select(l => l.GetProperty("level").GetInt32()));
        Assert.Contains("│ 1     │", result.Output);
        Assert.Contains("│ 2     │", result.Output);

        var report = File.ReadAllText(Path.Combine(model, "report.html"));
        Assert.Contains("the total can therefore rise while the reconstruction falls", report);
        Assert.Contains("<tr><td>1</td>", report);
    }

    [Theory]
    [InlineData(255, 256, "99.6 %")]
    [InlineData(256, 256, "100 %")]
    [InlineData(0, 256, "0 %")]
    [InlineData(1, 3, "33.3 %")]
    [InlineData(1, 10_000, "0.1 %")]
    [InlineData(9_999, 10_000, "99.9 %")]
    [InlineData(99_999, 100_000, "99.9 %")]
    [InlineData(1, 100_000, "0.1 %")]
    public void Shares_of_codes_in_use_round_to_100_or_0_percent_only_when_exact(long part, long whole, string shown)
        => Assert.Equal(shown, MetricsView.Share(part, whole));
}
