using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;
using RqVae.Recommender.SasRec;
using RqVae.TestSupport;

namespace RqVae.Recommender.Tests.SasRec;

public sealed class SasRecTests
{
    private const int Items = 40;

    // Small and quick, but wide enough to learn a 40-item successor table.
    private static readonly SasRecOptions Small = new()
    {
        Blocks = 1, Heads = 2, Dimension = 32, FeedForward = 64, Dropout = 0.1, MaxLength = 12, BatchSize = 64, LearningRate = 5e-3, MaxEpochs = 40, Patience = 6,
    };

    // Users walk a fixed seeded cycle through all 40 items from random starts: the next item is a function of the last.
    private static RecommenderSplit CycleSplit()
    {
        var random = new Random(5);
        var cycle = Enumerable.Range(0, Items).ToArray();
        random.Shuffle(cycle);
        var ratings = new List<Interaction>();
        for (var u = 0; u < 300; u++)
        {
            var start = random.Next(Items);
            var length = random.Next(8, 15);
            for (var t = 0; t < length; t++) ratings.Add(new Interaction(u, 100 + cycle[(start + t) % Items], t));
        }
        return LeaveLastOutSplit.Create(ratings, [.. Enumerable.Range(100, Items)], new SplitOptions { ColdItemFraction = 0 });
    }

    [Fact]
    public void SasRec_learns_a_deterministic_next_item_rule()
    {
        var split = CycleSplit();
        using var fitted = new SasRecKind().Fit(RecommenderTrainingData.FromSplit(split, 1), Small);

        var result = RecommenderEvaluation.Evaluate(fitted, split);

        var hr1 = result.TestRanks.Average(r => r == 1 ? 1.0 : 0.0);
        Assert.True(hr1 >= 0.95, $"test HR@1 {hr1:F3}");
    }

    [Fact]
    public void A_saved_sasrec_loads_with_identical_recommendations()
    {
        var split = CycleSplit();
        using var folder = new TemporaryDirectory();
        using var fitted = new SasRecKind().Fit(RecommenderTrainingData.FromSplit(split, 2), Small with { MaxEpochs = 3 });
        fitted.Save(folder.Path);

        using var loaded = RecommenderKinds.Load(folder.Path);

        var histories = split.Test.Select(c => c.History).ToArray();
        Assert.Equal("sasrec", loaded.Kind);
        Assert.Equal(fitted.ParameterCount, loaded.ParameterCount);
        Assert.Equal(fitted.Recommend(histories, 10, histories), loaded.Recommend(histories, 10, histories));
        Assert.True(File.Exists(folder.File("model.safetensors")));
    }

    [Fact]
    public void A_resumed_run_ends_with_the_weights_of_an_uninterrupted_one()
    {
        var split = CycleSplit();
        var data = RecommenderTrainingData.FromSplit(split, 3);
        var options = Small with { MaxEpochs = 4, Patience = 10 };
        using var folder = new TemporaryDirectory();
        var kind = new SasRecKind();

        using (var whole = kind.Fit(data, options, new RecommenderFitSettings { CheckpointDirectory = folder.File("a") })) whole.Save(folder.File("whole"));

        using var stop = new CancellationTokenSource();
        var interrupted = new SynchronousProgress<RecommenderTrainingProgress>(p =>
        {
            if (p.Epoch == 2) stop.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => kind.Fit(data, options, new RecommenderFitSettings { CheckpointDirectory = folder.File("b") }, interrupted, stop.Token));
        // A smaller budget than the epochs done trains no further and hands back the best epoch so far.
        using (var cut = (SasRecRecommender)kind.Fit(data, options with { MaxEpochs = 2 }, new RecommenderFitSettings { CheckpointDirectory = folder.File("b"), Resume = true }))
            Assert.Equal(2, cut.Summary.Epochs);
        var epochs = new List<int>();
        using (var resumed = kind.Fit(data, options, new RecommenderFitSettings { CheckpointDirectory = folder.File("b"), Resume = true }, new SynchronousProgress<RecommenderTrainingProgress>(p => epochs.Add(p.Epoch))))
            resumed.Save(folder.File("resumed"));

        Assert.Equal([3, 4], epochs);
        Assert.Equal(File.ReadAllBytes(folder.File("whole/model.safetensors")), File.ReadAllBytes(folder.File("resumed/model.safetensors")));
    }

    [Fact]
    public void A_checkpoint_of_another_seed_is_refused_on_resume()
    {
        var split = CycleSplit();
        using var folder = new TemporaryDirectory();
        var settings = new RecommenderFitSettings { CheckpointDirectory = folder.Path, Resume = true };
        using (new SasRecKind().Fit(RecommenderTrainingData.FromSplit(split, 1), Small with { MaxEpochs = 1 }, settings)) { }

        var e = Assert.Throws<RqVae.Training.Checkpointing.CheckpointMismatchException>(() => new SasRecKind().Fit(RecommenderTrainingData.FromSplit(split, 2), Small with { MaxEpochs = 1 }, settings));

        Assert.Contains("other data, settings or seed", e.Message);
    }

    [Fact]
    public void Heads_that_do_not_divide_the_width_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new SasRecOptions { Dimension = 64, Heads = 3 }.Validate());

        Assert.Equal("Heads", e.ParamName);
    }

    [Fact]
    public void Windows_cover_every_transition_once_or_only_the_last_window()
    {
        int[][] sequences = [[0, 1, 2, 3, 4, 5, 6]];

        Assert.Equal([[3, 4, 5, 6]], SasRecTrainer.Windows(sequences, 3, every: false));
        Assert.Equal([[3, 4, 5, 6], [0, 1, 2, 3]], SasRecTrainer.Windows(sequences, 3, every: true));
    }
}
