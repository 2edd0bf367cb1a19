using RqVae.Recommender.SasRec;
using RqVae.Recommender.Tests.SasRec;
using RqVae.Recommender.Tests.Tiger;
using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.DecoderOnly;
using RqVae.TestSupport;
using Xunit;

namespace RqVae.Recommender.Tests;

/// <summary>
/// The recommenders train to the same weights while another thread collects garbage back to back: every number their
/// layers, losses and optimizers pass to libtorch is held for the whole native call (see the tokenizer's tests of the same
/// name for what went wrong before).
/// </summary>
public sealed class ScalarLifetimeTests
{
    private static Dictionary<string, byte[]> WeightsOf(IRecommender recommender)
    {
        using var folder = new TemporaryDirectory();
        recommender.Save(folder.Path);
        return Directory.GetFiles(folder.Path, "*.safetensors").ToDictionary(file => Path.GetFileName(file), File.ReadAllBytes);
    }

    private static void AssertSameWeightsUnderCollections(Func<IRecommender> fit)
    {
        Dictionary<string, byte[]> quiet, busy;
        using (var recommender = fit()) quiet = WeightsOf(recommender);
        long collections;
        using (var collector = ConcurrentCollections.Start())
        {
            using var recommender = fit();
            busy = WeightsOf(recommender);
            collections = collector.Count;
        }
        Assert.True(collections > 100, $"only {collections} collections ran");
        Assert.NotEmpty(quiet);
        Assert.Equal(quiet.Keys.Order(), busy.Keys.Order());
        foreach (var (file, bytes) in quiet) Assert.True(bytes.SequenceEqual(busy[file]), $"{file} differs");
    }

    [Fact]
    public void Sasrec_trains_to_the_same_weights_under_concurrent_collections()
    {
        var data = RecommenderTrainingData.FromSplit(SasRecTests.CycleSplit(), 1);
        AssertSameWeightsUnderCollections(() => new SasRecKind().Fit(data, SasRecTests.Small with { MaxEpochs = 3 }));
    }

    [Fact]
    public void Decoder_only_tiger_with_its_dense_head_trains_to_the_same_weights_under_concurrent_collections()
    {
        var (data, _) = TigerDecoderTests.ColdTwins();
        var options = TigerDecoderTests.Tiny with { LearningRate = 1e-2, DenseWeight = 1, DenseItemEmbeddings = true, Ranking = TigerRanking.DenseAll, Epochs = 4, Dropout = 0.1 };
        AssertSameWeightsUnderCollections(() => TigerDecoderTrainer.Fit(data, options));
    }
}
