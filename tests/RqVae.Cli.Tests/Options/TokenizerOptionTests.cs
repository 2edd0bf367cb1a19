using System.Text.Json;
using RqVae.Cli.Tests.Support;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Model;
using RqVae.ResidualKMeans;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Options;

/// <summary>--tokenizer residual-kmeans through train, then encode, eval and similar loading it by config.json's kind; --beam on both kinds.</summary>
public sealed class TokenizerOptionTests(TinyModelFixture rqvae) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Residual_kmeans_trains_encodes_evaluates_and_finds_similar_items_through_the_tool()
    {
        using var dir = new TemporaryDirectory();
        var items = rqvae.ItemsPath;
        var model = dir.File("rkm");
        var trained = Tool.Run("train", items, "-o", model, "--tokenizer", "residual-kmeans", "--levels", "2", "--codebook-size", "4", "--kmeans-iterations", "20", "--seed", "5", "--progressive-dimension-steps", "2");
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var config = ModelConfig.Read(Path.Combine(model, "config.json"));
        Assert.Equal("residual-kmeans", config.Kind);
        Assert.Equal(new ResidualKMeansOptions { Levels = 2, CodebookSize = 4, KMeansIterations = 20, Seed = 5, ProgressiveDimensionSteps = 2 }, config.Section<ResidualKMeansOptions>(model, "residualKMeans"));
        foreach (var file in new[] { "model.safetensors", "metrics.json", "training.json", "report.html" })
            Assert.True(File.Exists(Path.Combine(model, file)), file);

        // encode: the tool's IDs are the library's, for greedy and for a beam of 3.
        var features = FeatureReader.Load(items);
        using var library = ResidualKMeansTokenizer.Load(model);
        foreach (var beam in new[] { 1, 3 })
        {
            var table = dir.File($"ids{beam}.csv");
            var encoded = Tool.Run("encode", model, items, "-o", table, "--beam", beam.ToString(), "--batch-size", "10");
            Assert.True(encoded.ExitCode == 0, encoded.ToString());
            var read = SemanticIdTableReader.Read(table);
            Assert.Equal(library.Encode(features.Values, beam).Codes.ToArray(), read.Codes);
            Assert.Equal(config.ModelSha256, read.ModelHash); // the identity config.json recorded at save time
        }

        // eval: the reconstruction error is the mean squared distance to the sum of the chosen centroids, recomputed here.
        var json = dir.File("metrics.json");
        var evaluated = Tool.Run("eval", model, items, "--json", json, "--beam", "3");
        Assert.True(evaluated.ExitCode == 0, evaluated.ToString());
        var ids = library.Encode(features.Values, 3);
        var reconstruction = library.Reconstruct(ids);
        var mse = features.Values.Select((v, i) => (double)(v - reconstruction[i]) * (v - reconstruction[i])).Sum() / features.Values.Length;
        using (var metrics = JsonDocument.Parse(File.ReadAllText(json)))
            Assert.Equal(mse, metrics.RootElement.GetProperty("reconstruction").GetProperty("mse").GetDouble(), 5);

        // similar reads the table with the residual k-means model.
        var similar = Tool.Run("similar", model, dir.File("ids1.csv"), "--item", "item4", "-n", "3");
        Assert.True(similar.ExitCode == 0, similar.ToString());
        Assert.Contains("Similar to item4", similar.Output);
        // ... and refuses it with the RQ-VAE model.
        Assert.Equal(ExitCodes.BadInput, Tool.Run("similar", rqvae.ModelPath, dir.File("ids1.csv"), "--item", "item4").ExitCode);
    }

    [Fact]
    public void Encode_with_a_beam_gives_the_library_beam_search_ids_for_an_rqvae_too()
    {
        using var dir = new TemporaryDirectory();
        var table = dir.File("ids.csv");
        var result = Tool.Run("encode", rqvae.ModelPath, rqvae.ItemsPath, "-o", table, "--beam", "4");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("beam search (beam 4)", result.Output);
        using var library = RqVaeTokenizer.Load(rqvae.ModelPath);
        Assert.Equal(library.Encode(FeatureReader.Load(rqvae.ItemsPath).Values, 4).Codes.ToArray(), SemanticIdTableReader.Read(table).Codes);
    }

    [Fact]
    public void Residual_kmeans_refuses_rqvae_only_settings_and_resume()
    {
        using var dir = new TemporaryDirectory();
        var epochs = Tool.Run("train", rqvae.ItemsPath, "-o", dir.File("a"), "--tokenizer", "residual-kmeans", "--epochs", "5");
        Assert.Equal(ExitCodes.Usage, epochs.ExitCode);
        Assert.Contains("--epochs is an RQ-VAE setting", epochs.Error);
        Assert.False(Directory.Exists(dir.File("a")));
        var progressive = Tool.Run("train", rqvae.ItemsPath, "-o", dir.File("c"), "--progressive-dimension-steps", "4");
        Assert.Equal(ExitCodes.Usage, progressive.ExitCode);
        Assert.Contains("--progressive-dimension-steps is a residual k-means setting", progressive.Error);
        Assert.False(Directory.Exists(dir.File("c")));
        var resume = Tool.Run("train", rqvae.ItemsPath, "-o", dir.File("b"), "--tokenizer", "residual-kmeans", "--resume");
        Assert.Equal(ExitCodes.Usage, resume.ExitCode);
        Assert.Contains("--resume applies to RQ-VAE training", resume.Error);
    }

    [Fact]
    public void A_model_folder_of_an_unknown_kind_is_refused_naming_its_config()
    {
        using var dir = new TemporaryDirectory();
        var folder = dir.File("model");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(rqvae.ModelPath)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"kind\": \"rqvae\"", "\"kind\": \"pq\""));
        var result = Tool.Run("encode", folder, rqvae.ItemsPath, "-o", dir.File("ids.csv"));
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(config, result.Error);
        Assert.Contains("\"pq\"", result.Error);
    }
}
