using RqVae.Model;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;
using RqVae.Tests.Support;
using Xunit;

namespace RqVae.Tests.ResidualKMeans;

public class ResidualKMeansTrainerTests
{
    [Fact]
    public void Reproduces_a_small_case_worked_by_hand()
    {
        // 1-D points {0, 1, 10, 11}, 2 levels × 2 codes.
        // Level 1: clusters {0, 1} and {10, 11}, centroids 0.5 and 10.5; residuals −0.5, 0.5, −0.5, 0.5.
        // Level 2: centroids −0.5 and 0.5. Every point is reconstructed exactly.
        float[] x = [0f, 1f, 10f, 11f];
        using var tokenizer = new ResidualKMeansTrainer(new ResidualKMeansOptions { Levels = 2, CodebookSize = 2, KMeansIterations = 10, Seed = 1 }).Fit(x, 1);
        var books = tokenizer.Codebooks();
        Assert.Equal(new[] { 0.5f, 10.5f }, books[0].Order().ToArray());
        Assert.Equal(new[] { -0.5f, 0.5f }, books[1].Order().ToArray());
        var ids = tokenizer.Encode(x);
        Assert.Equal(ids.Code(0, 0), ids.Code(1, 0));
        Assert.Equal(ids.Code(2, 0), ids.Code(3, 0));
        Assert.NotEqual(ids.Code(0, 0), ids.Code(2, 0));
        Assert.NotEqual(ids.Code(0, 1), ids.Code(1, 1));
        Assert.Equal(ids.Code(0, 1), ids.Code(2, 1));
        TestTensors.Near(x, tokenizer.Reconstruct(ids), 1e-6);
    }

    [Fact]
    public void Saves_and_loads_with_identical_ids_and_refuses_the_wrong_kind()
    {
        var data = SyntheticClusters.Create(clusters: 6, perCluster: 30, dimension: 8, seed: 4);
        using var tokenizer = new ResidualKMeansTrainer(new ResidualKMeansOptions { Levels = 3, CodebookSize = 8, Seed = 3 }).Fit(data.Features, data.Dimension);
        var dir = Path.Combine(Path.GetTempPath(), $"rkm-{Guid.NewGuid():N}");
        try
        {
            tokenizer.Save(dir);
            using var loaded = ResidualKMeansTokenizer.Load(dir);
            Assert.Equal(tokenizer.Encode(data.Features).Codes.ToArray(), loaded.Encode(data.Features).Codes.ToArray());
            Assert.Throws<ModelFormatException>(() => RqVaeTokenizer.Load(dir));
            var table = ItemIdTable.Build(loaded, Enumerable.Range(0, data.Rows).Select(i => $"item{i}").ToArray(), data.Features);
            Assert.Equal(0, table.Report.AfterExtraCode.CollisionRate);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
