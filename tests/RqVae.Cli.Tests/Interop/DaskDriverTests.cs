using RqVae.Cli.Tests.Support;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Interop;

/// <summary>scale/dask/encode_catalogue.py on a LocalCluster of two workers gives the table of one `rqvae encode --unique`.</summary>
public sealed class DaskDriverTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Two_local_dask_workers_give_the_rows_of_one_encode_unique()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("catalogue.csv", SyntheticItems.Csv(rows: 400, dimension: 3, seed: 21));
        var single = dir.File("unique.csv");
        var reference = Tool.Run("encode", model.ModelPath, items, "-o", single, "--unique");
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var output = dir.File("cluster.parquet");
        var report = dir.File("report.json");
        var run = Python.Run("scale/dask/encode_catalogue.py", TimeSpan.FromMinutes(4), model.ModelPath, items, "-o", output,
            "--workers", "2", "--shards", "4", "--rqvae", Python.ToolCommand, "--encode-args", "--batch-size 32", "--report", report);
        Assert.True(run.ExitCode == 0, run.ToString());

        var expected = SemanticIdTableReader.Read(single);
        var actual = SemanticIdTableReader.Read(output);
        Assert.Equal(expected.ItemIds, actual.ItemIds); // the catalogue's order
        Assert.Equal(expected.Levels, actual.Levels);
        Assert.Equal(expected.Codes.ToArray(), actual.Codes.ToArray());
        Assert.Equal(expected.ModelHash, actual.ModelHash);
        Assert.False(Directory.Exists(output + ".shards"), "the shard tables are removed after the merge");

        // Both workers took part: the four shards ran in two different worker processes.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        var runs = json.RootElement.GetProperty("shard_runs").EnumerateArray().ToArray();
        Assert.Equal(4, runs.Length);
        Assert.Equal(400, runs.Sum(r => r.GetProperty("items").GetInt32()));
        Assert.Equal(2, runs.Select(r => r.GetProperty("pid").GetInt32()).Distinct().Count());
    }
}
