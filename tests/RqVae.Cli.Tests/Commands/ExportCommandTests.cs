using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>`rqvae export` through the real tool: the file ONNX Runtime runs gives the IDs `rqvae encode` writes, and --overwrite replaces only such files.</summary>
public sealed class ExportCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public void Export_with_verify_prints_full_agreement_and_the_file_gives_the_ids_of_encode()
    {
        using var dir = new TemporaryDirectory();
        var onnx = dir.File("model.onnx");
        var export = ToolProcess.Run(dir.Path, Timeout, "export", model.ModelPath, "-o", onnx, "--verify", model.ItemsPath);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("IDs identical between rqvae and ONNX Runtime: 100.00 % (64 of 64 items)", export.Output);

        var ids = dir.File("ids.csv");
        Assert.Equal(0, ToolProcess.Run(dir.Path, Timeout, "encode", model.ModelPath, model.ItemsPath, "-o", ids).ExitCode);
        // ONNX Runtime itself on the file, without the tool's wrapper: features in, codes out.
        var rows = File.ReadAllLines(model.ItemsPath).Skip(1).Select(l => l.Split(',')).ToArray();
        var features = rows.SelectMany(r => r.Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [rows.Length, 3]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["features"], [input], ["codes", "latent"]);
        var codes = results[0].GetTensorDataAsSpan<long>().ToArray();
        Assert.Equal([rows.Length, 2], results[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([rows.Length, 4], results[1].GetTensorTypeAndShape().Shape);
        var expected = File.ReadAllLines(ids).Skip(1).SelectMany(l => l.Split(',').Skip(1).Select(long.Parse)).ToArray();
        Assert.Equal(expected, codes);
        Assert.True(expected.Distinct().Count() > 2, "the IDs vary");
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("rqvae", meta["rqvae.kind"]);
        var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(model.ModelPath, "config.json")));
        Assert.Equal(config.RootElement.GetProperty("weightsSha256").GetString(), meta["rqvae.weights_sha256"]);
    }

    [Fact]
    public void Overwrite_replaces_an_exported_file_but_never_a_foreign_one()
    {
        using var dir = new TemporaryDirectory();
        var foreign = dir.Write("theirs.onnx", "not a model of ours");
        var refused = ToolProcess.Run(dir.Path, Timeout, "export", model.ModelPath, "-o", foreign, "--overwrite");
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("not an ONNX file exported by rqvae", refused.Error);
        Assert.Equal("not a model of ours", File.ReadAllText(foreign));

        var ours = dir.File("ours.onnx");
        Assert.Equal(0, ToolProcess.Run(dir.Path, Timeout, "export", model.ModelPath, "-o", ours).ExitCode);
        var again = ToolProcess.Run(dir.Path, Timeout, "export", model.ModelPath, "-o", ours);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.Error);
        Assert.Equal(0, ToolProcess.Run(dir.Path, Timeout, "export", model.ModelPath, "-o", ours, "--overwrite").ExitCode);
        Assert.Empty(Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).Except(["theirs.onnx", "ours.onnx"]));
    }

    [Fact]
    public void A_residual_kmeans_model_exports_but_one_that_encodes_with_a_beam_is_refused_with_the_reason()
    {
        using var dir = new TemporaryDirectory();
        var greedy = dir.File("rkm");
        var beam = dir.File("rkm-beam");
        string[] fit = ["--tokenizer", "residual-kmeans", "--levels", "2", "--codebook-size", "4", "--kmeans-iterations", "5", "--progressive-dimension-steps", "1"];
        Assert.Equal(0, Tool.Run(["train", model.ItemsPath, "-o", greedy, .. fit]).ExitCode);
        Assert.Equal(0, Tool.Run(["train", model.ItemsPath, "-o", beam, .. fit, "--beam-width", "2"]).ExitCode);

        var exported = ToolProcess.Run(dir.Path, Timeout, "export", greedy, "-o", dir.File("rkm.onnx"), "--verify", model.ItemsPath);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Contains("100.00 % (64 of 64 items)", exported.Output);

        var refused = ToolProcess.Run(dir.Path, Timeout, "export", beam, "-o", dir.File("beam.onnx"));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("beam of 2", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
        Assert.False(File.Exists(dir.File("beam.onnx")));
    }
}
