using RqVae.Data.IdTables;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tests.Support;
using RqVae.Tests.Training;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.SemanticIds;

/// <summary>An ID table carries its model's hash and refuses to be used with another model.</summary>
public sealed class IdTableModelCheckTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("rqvae-idtable-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("ids.csv")]
    [InlineData("ids.parquet")]
    [InlineData("ids.jsonl")]
    public void A_table_written_with_the_model_hash_is_accepted_by_that_model_and_refused_by_another(string name)
    {
        var data = SyntheticClusters.Create(seed: 10);
        using var a = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 1 }).Fit(data.Features, data.Dimension);
        using var b = new RqVaeTrainer(RqVaeTrainerTests.SmallOptions() with { Epochs = 1, Seed = 77 }).Fit(data.Features, data.Dimension);
        var ids = a.Tokenizer.Encode(data.Features);
        var path = Path.Combine(directory, name);
        var table = new SemanticIdTable([.. Enumerable.Range(0, ids.Count).Select(i => $"item{i}")], ids.Codes.ToArray(), ids.Levels, a.Tokenizer.WeightsSha256());
        SemanticIdTableWriter.Write(path, table);

        var read = SemanticIdTableReader.Read(path);
        Assert.Equal(a.Tokenizer.WeightsSha256(), read.ModelHash);
        IdTableModelCheck.EnsureProducedBy(path, read.ModelHash, a.Tokenizer.WeightsSha256());
        var e = Assert.Throws<IdTableModelMismatchException>(() => IdTableModelCheck.EnsureProducedBy(path, read.ModelHash, b.Tokenizer.WeightsSha256()));
        Assert.Contains(read.ModelHash![..12], e.Message);
        Assert.Contains("Encode the items again", e.Message);

        // The same table saved by a model and loaded back still matches: the hash is of the weights, which round-trip exactly.
        a.Tokenizer.Save(Path.Combine(directory, "model"));
        using var reloaded = RqVaeTokenizer.Load(Path.Combine(directory, "model"));
        IdTableModelCheck.EnsureProducedBy(path, read.ModelHash, reloaded.WeightsSha256());
    }

    [Fact]
    public void A_table_without_a_hash_is_refused_unless_accepted_explicitly()
    {
        var path = Path.Combine(directory, "plain.csv");
        SemanticIdTableWriter.Write(path, new SemanticIdTable(["x", "y"], [1, 2, 3, 4], 2));
        var read = SemanticIdTableReader.Read(path);
        Assert.Null(read.ModelHash);
        var e = Assert.Throws<IdTableModelMismatchException>(() => IdTableModelCheck.EnsureProducedBy(path, read.ModelHash, new string('a', 64)));
        Assert.Contains("no model hash", e.Message);
        IdTableModelCheck.EnsureProducedBy(path, read.ModelHash, new string('a', 64), allowUnverified: true);
    }
}
