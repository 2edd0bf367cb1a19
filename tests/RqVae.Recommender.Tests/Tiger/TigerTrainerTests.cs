using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger;
using RqVae.TestSupport;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class TigerTrainerTests
{
    private static readonly TigerRecommenderOptions Fast = new()
    {
        Model = TigerFixtures.TinyModel,
        Epochs = 12,
        BatchSize = 64,
        LearningRate = 3e-3,
        WarmupSteps = 10,
        LabelSmoothing = 0.0,
        Patience = 12,
        Beam = 10,
    };

    [Fact]
    public void Tiger_learns_a_deterministic_next_item_rule()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 2);
        var (data, test) = TigerFixtures.CycleTask(40, 120, 12, ids, seed: 7);
        using var recommender = TigerTrainer.Fit(data, Fast);

        var ranks = RankingMetrics.Ranks(recommender, test, depth: 1);
        Assert.True(ranks.Average(r => RankingMetrics.HitRate(r, 1)) >= 0.95, $"test HR@1 {ranks.Average(r => RankingMetrics.HitRate(r, 1)):0.000}");
    }

    [Fact]
    public void A_saved_and_loaded_recommender_gives_identical_recommendations()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 4);
        var (data, test) = TigerFixtures.CycleTask(40, 60, 10, ids, seed: 9);
        using var folder = new TemporaryDirectory();
        using var fitted = TigerTrainer.Fit(data, Fast with { Epochs = 2, Model = Fast.Model with { HistoryInput = TigerHistoryInput.Prefixes } });
        fitted.Save(folder.Path);
        using var loaded = RecommenderKinds.Load(folder.Path);

        var histories = test.Select(c => c.History).ToArray();
        var before = fitted.Recommend(histories, 10, histories);
        var after = loaded.Recommend(histories, 10, histories);
        Assert.Equal(before, after);
        Assert.IsType<TigerRecommender>(loaded);
        Assert.Equal(fitted.ParameterCount, loaded.ParameterCount);
    }

    [Fact]
    public void A_run_resumed_after_an_interruption_ends_with_the_weights_of_an_uninterrupted_run()
    {
        var ids = TigerFixtures.RandomIds(30, 6, seed: 5);
        var (data, _) = TigerFixtures.CycleTask(30, 40, 8, ids, seed: 3);
        var options = Fast with { Epochs = 3, Model = Fast.Model with { Dropout = 0.2 } };
        using var uninterrupted = TigerTrainer.Fit(data, options);

        using var folder = new TemporaryDirectory();
        var settings = new RecommenderFitSettings { CheckpointDirectory = folder.Path };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirst = new SynchronousProgress<RecommenderTrainingProgress>(p =>
        {
            if (p.Epoch == 1) cancel.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => TigerTrainer.Fit(data, options, settings, stopAfterFirst, cancel.Token));
        var epochs = new List<int>();
        using var resumed = TigerTrainer.Fit(data, options, settings with { Resume = true }, new SynchronousProgress<RecommenderTrainingProgress>(p => epochs.Add(p.Epoch)));

        Assert.Equal([2, 3], epochs);
        var expected = uninterrupted.Module.state_dict();
        var actual = resumed.Module.state_dict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, weight) in expected)
            Assert.True(weight.eq(actual[name]).all().item<bool>(), $"{name} differs after resuming");
        Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
    }
}
