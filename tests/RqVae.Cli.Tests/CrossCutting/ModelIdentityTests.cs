using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.Model;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.CrossCutting;

/// <summary>
/// An ID table is bound to the model that made it: its settings as well as its weights, since a setting in
/// config.json (cosine codebooks, the saved beam) changes IDs without touching the weights.
/// </summary>
public sealed class ModelIdentityTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void The_identity_is_the_sha256_of_kind_settings_and_weights_hash_as_written_by_hand()
    {
        var configPath = Path.Combine(model.ModelPath, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        // Worked independently of the library: the settings sections of an RQ-VAE folder are "model" only.
        var text = "rqvae-model-identity/1\nrqvae\nmodel=" + json["model"]!.ToJsonString() + "\n" + json["weightsSha256"]!.GetValue<string>() + "\n";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(expected, json["modelSha256"]!.GetValue<string>());
        Assert.Equal(expected, ModelIdentity.Of(ModelConfig.Read(configPath)).ModelSha256);
    }

    [Fact]
    public void A_table_is_refused_by_its_model_once_a_setting_that_changes_ids_is_edited_in_config_json()
    {
        using var dir = new TemporaryDirectory();
        var copy = CopyModel(dir);
        var table = dir.File("ids.csv");
        Assert.Equal(0, ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "encode", copy, model.ItemsPath, "-o", table).ExitCode);
        Assert.Equal(0, ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "similar", copy, table, "--item", "item1").ExitCode);

        var configPath = Path.Combine(copy, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["model"]!["cosineCodebooks"] = true;
        File.WriteAllText(configPath, json.ToJsonString());

        var refused = ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "similar", copy, table, "--item", "item1");
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("another model", refused.Error);
        // Encoding again with the edited model writes a table that carries the new identity and is accepted.
        var again = dir.File("again.csv");
        Assert.Equal(0, ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "encode", copy, model.ItemsPath, "-o", again).ExitCode);
        Assert.NotEqual(SemanticIdTableReader.Read(table).ModelHash, SemanticIdTableReader.Read(again).ModelHash);
        Assert.Equal(0, ToolProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "similar", copy, again, "--item", "item1").ExitCode);
    }

    [Fact]
    public void A_table_that_records_only_the_weights_hash_is_accepted_while_the_settings_are_as_saved_and_refused_after_an_edit()
    {
        using var dir = new TemporaryDirectory();
        var copy = CopyModel(dir);
        var table = dir.File("ids.csv");
        Assert.Equal(0, Tool.Run("encode", copy, model.ItemsPath, "-o", table).ExitCode);
        var weights = ModelConfig.Read(Path.Combine(copy, "config.json")).WeightsSha256;
        var sidecar = IdTableMetadata.SidecarPath(table);
        var meta = JsonNode.Parse(File.ReadAllText(sidecar))!.AsObject();
        meta["model_hash"] = weights; // as tables written before identities covered the settings
        File.WriteAllText(sidecar, meta.ToJsonString());
        Assert.Equal(0, Tool.Run("similar", copy, table, "--item", "item1").ExitCode);

        var configPath = Path.Combine(copy, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["model"]!["cosineCodebooks"] = true;
        File.WriteAllText(configPath, json.ToJsonString());
        var refused = Tool.Run("similar", copy, table, "--item", "item1");
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("config.json was changed since it was saved", refused.Error);
    }

    private string CopyModel(TemporaryDirectory dir)
    {
        var copy = Directory.CreateDirectory(dir.File("model")).FullName;
        foreach (var source in Directory.EnumerateFiles(model.ModelPath)) File.Copy(source, Path.Combine(copy, Path.GetFileName(source)));
        return copy;
    }
}
