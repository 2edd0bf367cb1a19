using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class TigerTrainerTests
{
    private static readonly TigerRecommenderOptions Fast = new TigerRecommenderOptions
    {
        Epochs = 12,
        BatchSize = 64,
        LearningRate = 3e-3,
        WarmupSteps = 10,
        LabelSmoothing = 0.0,
        Patience = 12,
        Beam = 10,
    }.WithModel(TigerFixtures.TinyModel);

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
    public void Cold_items_never_seen_in_training_can_be_recommended_and_the_dense_ranking_orders_by_content()
    {
        // Items 30..39 are cold: no training sequence has them, but they are in the ID table and so in the trie.
        var ids = TigerFixtures.RandomIds(40, 6, seed: 6);
        var (cycle, _) = TigerFixtures.CycleTask(30, 40, 8, new SemanticIdTable(ids.Codes[..60].ToArray(), 2), seed: 1);
        var cold = Enumerable.Range(0, 40).Select(i => i >= 30).ToArray();
        var random = new Random(3);
        var content = new float[40, 8];
        for (var i = 0; i < 40; i++)
            for (var d = 0; d < 8; d++) content[i, d] = (float)random.NextDouble() - 0.5f;
        var data = new RecommenderTrainingData(Enumerable.Range(1, 40).ToArray(), cycle.TrainingSequences, cycle.Validation, 1, cold, ids, content);
        using var generative = TigerTrainer.Fit(data, Fast with { Epochs = 2 });
        using var dense = TigerTrainer.Fit(data, Fast with { Epochs = 2, DenseWeight = 1, Ranking = TigerRanking.Dense, Beam = 5 });

        int[] history = [1, 2, 3];
        // A beam as wide as the catalogue reaches every item that is not excluded, the cold ones included.
        var everything = generative.Recommend([history], 40, [history])[0];
        Assert.Equal(Enumerable.Range(0, 40).Except(history).Order(), everything.Order());
        // LIGER: the 5 generated candidates plus the 10 cold items, ranked by the dense head's cosine to their content.
        var ranked = dense.Recommend([history], 5, [history])[0];
        var generated = new TigerRecommender(dense.Module, dense.Vocabulary, dense.Ids, dense.Options with { Ranking = TigerRanking.Generative }, dense.MaxHistory, cold, 0)
            .Recommend([history], 5, [history])[0];
        using var noGrad = TorchSharp.torch.no_grad();
        var (input, padding) = TigerInputs.Encoder(dense.Vocabulary, TigerHistoryInput.Codes, [history], dense.MaxHistory);
        var (memory, mask) = dense.Module.Encode(input, padding, null);
        var similarity = dense.Module.ContentSimilarity(dense.Module.Decode(TigerSearchStart(), memory, mask).select(1, 0)).data<float>().ToArray();
        var expected = generated.Concat(Enumerable.Range(30, 10)).Distinct().OrderByDescending(i => similarity[i]).ThenBy(i => i).Take(5).ToArray();
        Assert.Equal(expected, ranked);
        Assert.Empty(ranked.Intersect(history));
    }

    private static TorchSharp.torch.Tensor TigerSearchStart() => TorchSharp.torch.full(1, 1, TigerVocabulary.Bos, dtype: TorchSharp.torch.ScalarType.Int64);

    [Fact]
    public void A_saved_and_loaded_recommender_gives_identical_recommendations()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 4);
        var (data, test) = TigerFixtures.CycleTask(40, 60, 10, ids, seed: 9);
        using var folder = new TemporaryDirectory();
        using var fitted = TigerTrainer.Fit(data, Fast with { Epochs = 2, HistoryInput = TigerHistoryInput.Prefixes });
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
        var options = Fast with { Epochs = 3, Dropout = 0.2 };
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
