using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Training;

public class KMeansInitialisationTests
{
    // A learning rate of 1e-12 for one epoch leaves the weights as initialised: what is measured is step 0.
    private static RqVaeTrainerOptions StepZero(bool kmeans) => new()
    {
        Model = new RqVaeOptions
        {
            HiddenDimensions = [32],
            LatentDimension = 8,
            Quantization = new QuantizerOptions { Levels = 2, CodebookSize = 8, DeadCodeReset = false, KMeansInit = kmeans },
        },
        Epochs = 1,
        BatchSize = 400,
        LearningRate = 1e-12,
        WarmupFraction = 0,
        Seed = 11,
        Threads = 1,
        EvaluateEvery = 0,
        CheckpointSelection = CheckpointSelection.Last,
    };

    [Fact]
    public void Well_separated_clusters_get_distinct_level_one_codes_at_step_zero()
    {
        var data = SyntheticClusters.Create(clusters: 8, perCluster: 50, dimension: 16, spread: 0.05, seed: 3);
        using var result = new RqVaeTrainer(StepZero(kmeans: true)).Fit(data.Features, data.Dimension);
        var ids = result.Tokenizer.Encode(data.Features);
        var codeOfCluster = new int[data.Clusters];
        for (var c = 0; c < data.Clusters; c++)
        {
            var codes = Enumerable.Range(0, data.Rows).Where(i => data.Labels[i] == c).Select(i => ids.Code(i, 0)).Distinct().ToArray();
            Assert.True(codes.Length == 1, $"cluster {c} is split over level-1 codes {string.Join(",", codes)}");
            codeOfCluster[c] = codes[0];
        }
        Assert.Equal(data.Clusters, codeOfCluster.Distinct().Count());
    }

    [Fact]
    public void Without_kmeans_the_random_codebook_lumps_clusters_together()
    {
        // The contrast that makes the test above meaningful: N(0, 1) codes far from a small latent.
        var data = SyntheticClusters.Create(clusters: 8, perCluster: 50, dimension: 16, spread: 0.05, seed: 3);
        using var result = new RqVaeTrainer(StepZero(kmeans: false)).Fit(data.Features, data.Dimension);
        var ids = result.Tokenizer.Encode(data.Features);
        var distinct = Enumerable.Range(0, data.Rows).Select(i => ids.Code(i, 0)).Distinct().Count();
        Assert.True(distinct < data.Clusters, $"a random codebook already gave {distinct} level-1 codes");
    }
}
