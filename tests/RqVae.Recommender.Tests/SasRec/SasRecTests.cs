using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;
using RqVae.Recommender.SasRec;
using RqVae.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tests.SasRec;

public sealed class SasRecTests
{
    private const int Items = 40;

    // Small and quick, but wide enough to learn a 40-item successor table.
    internal static readonly SasRecOptions Small = new()
    {
        Blocks = 1, Heads = 2, Dimension = 32, FeedForward = 64, Dropout = 0.1, MaxLength = 12, BatchSize = 64, LearningRate = 5e-3, MaxEpochs = 40, Patience = 6,
    };

    // Users walk a fixed seeded cycle through all 40 items from random starts: the next item is a function of the last.
    internal static RecommenderSplit CycleSplit(double coldFraction = 0)
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
        return LeaveLastOutSplit.Create(ratings, [.. Enumerable.Range(100, Items)], new SplitOptions { ColdItemFraction = coldFraction });
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
        var split = CycleSplit(coldFraction: 0.1);
        using var folder = new TemporaryDirectory();
        using var fitted = new SasRecKind().Fit(RecommenderTrainingData.FromSplit(split, 2), Small with { MaxEpochs = 3 });
        fitted.Save(folder.Path);

        using var loaded = RecommenderKinds.Load(folder.Path);

        var histories = split.Test.Select(c => c.History).ToArray();
        Assert.Equal("sasrec", loaded.Kind);
        Assert.Equal(fitted.ParameterCount, loaded.ParameterCount);
        Assert.Equal(fitted.Recommend(histories, 10, histories), loaded.Recommend(histories, 10, histories));
        Assert.True(File.Exists(folder.File("model.safetensors")));
        // The held-out items are marked untrained in the saved model as in the fitted one.
        var trained = ((SasRecRecommender)loaded).TrainedItems;
        Assert.Contains(false, trained);
        Assert.Equal(split.ColdItems.Select(c => !c), trained);
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
        int[][] sequences = [[0, 1, 2, 3, 4, 5, 6], [8, 9]];

        Assert.Equal("3456:3 89:1", Describe(SasRecTrainer.Windows(sequences, 3, every: false, stride: 3)));
        Assert.Equal("3456:3 0123:3 89:1", Describe(SasRecTrainer.Windows(sequences, 3, every: true, stride: 3)));
        // Stride 2: targets 5, 6, then 3, 4 (after 1, 2 as context), then 1, 2.
        Assert.Equal("3456:2 1234:2 012:2 89:1", Describe(SasRecTrainer.Windows(sequences, 3, every: true, stride: 2)));
    }

    [Fact]
    public void Left_padding_changes_none_of_a_historys_hidden_states()
    {
        var options = new SasRecOptions { Blocks = 2, Heads = 2, Dimension = 16, FeedForward = 32, MaxLength = 6 };
        using var generator = new Generator(7);
        using var wide = new SasRecModule(20, options, generator);
        using var narrow = new SasRecModule(20, options with { MaxLength = 3 }, generator: null);
        using (torch.no_grad())
        {
            // Layer norms away from their identity start, so that a padded key would carry something if it were attended to.
            foreach (var (name, p) in wide.named_parameters())
                if (name.Contains("norm")) p.add_(torch.randn(p.shape, generator: generator));
            // The same weights; the narrow model's three positions are the wide model's last three.
            var source = wide.state_dict();
            foreach (var (name, target) in narrow.state_dict()) target.copy_(name == "pos_emb.weight" ? source[name][3..] : source[name]);
        }
        wide.eval();
        narrow.eval();

        using var padded = wide.forward(torch.tensor(new long[] { 0, 0, 0, 5, 9, 2 }, [1, 6]));
        using var unpadded = narrow.forward(torch.tensor(new long[] { 5, 9, 2 }, [1, 3]));

        Assert.True(padded[0, 3..].allclose(unpadded[0], rtol: 0, atol: 1e-5), "a padded position changed the hidden states of the history");
    }

    [Fact]
    public void A_position_sees_itself_and_earlier_items_only()
    {
        using var generator = new Generator(8);
        using var module = new SasRecModule(20, new SasRecOptions { Blocks = 2, Dimension = 16, FeedForward = 32, MaxLength = 6 }, generator);
        module.eval();

        using var a = module.forward(torch.tensor(new long[] { 0, 0, 3, 5, 9, 2 }, [1, 6]));
        using var b = module.forward(torch.tensor(new long[] { 0, 0, 3, 11, 9, 2 }, [1, 6]));

        Assert.True(a[0, ..3].eq(b[0, ..3]).all().item<bool>(), "an earlier position saw a later item");
        for (var t = 3; t < 6; t++) Assert.False(a[0, t].allclose(b[0, t], rtol: 0, atol: 1e-4), $"position {t} did not see the changed item");
        // The hand-worked mask of two histories, one left-padded by two: causal, no padded key, a padded row sees itself.
        using var mask = SasRecModule.AttentionMask(torch.tensor(new[] { false, false, true, true, true, true, true, true }, [2, 4]));
        bool[] expected =
        [
            true, false, false, false, /**/ false, true, false, false, /**/ false, false, true, false, /**/ false, false, true, true,
            true, false, false, false, /**/ true, true, false, false, /**/ true, true, true, false, /**/ true, true, true, true,
        ];
        Assert.Equal([2, 1, 4, 4], mask.shape);
        Assert.Equal(expected, mask.data<bool>().ToArray());
    }

    [Fact]
    public void The_loss_averages_cross_entropy_over_every_target_and_nothing_else()
    {
        using var generator = new Generator(9);
        using var module = new SasRecModule(20, new SasRecOptions { Blocks = 2, Dimension = 16, FeedForward = 32, MaxLength = 6 }, generator);
        module.eval();
        double LossOf(params SasRecWindow[] batch)
        {
            using var loss = SasRecTrainer.Loss(module, batch);
            return loss.item<float>();
        }

        // One target: minus the log-softmax of the ranking scores of its history at the target, computed in double here.
        var scores = SasRecRecommender.Score(module, [[4, 7]], 0, 1);
        var max = scores.Max();
        var expected = Math.Log(scores.Sum(s => Math.Exp(s - max))) + max - scores[12];
        Assert.Equal(expected, LossOf(new SasRecWindow([4, 7, 12], 1)), 4);

        // Several windows, padded or not, with context positions: the mean over the 1 + 2 + 6 targets.
        SasRecWindow shortOne = new([4, 7, 12], 1), context = new([1, 2, 3, 4], 2), full = new([10, 11, 12, 13, 14, 15, 16], 6);
        var together = LossOf(shortOne, context, full);
        Assert.Equal((LossOf(shortOne) + 2 * LossOf(context) + 6 * LossOf(full)) / 9, together, 4);
        // Training the context position too changes the loss: it is left out, not merely padded.
        Assert.NotEqual(LossOf(context), LossOf(context with { Targets = 3 }), 3);
    }

    [Fact]
    public void Items_absent_from_training_are_left_out_of_a_history_at_ranking_time()
    {
        using var generator = new Generator(10);
        using var module = new SasRecModule(6, new SasRecOptions { Blocks = 1, Dimension = 16, FeedForward = 32, MaxLength = 4 }, generator);
        module.MarkTrained([[0, 1, 2, 3]]);
        module.eval();

        Assert.Equal([true, true, true, true, false, false], module.TrainedItems());
        Assert.Equal(SasRecRecommender.Score(module, [[0, 1, 2]], 0, 1), SasRecRecommender.Score(module, [[0, 4, 1, 5, 2]], 0, 1));
        Assert.NotEqual(SasRecRecommender.Score(module, [[0, 1, 2]], 0, 1), SasRecRecommender.Score(module, [[0, 3, 1, 2]], 0, 1));
        // Nothing trained left: no preference, as for an empty history.
        Assert.All(SasRecRecommender.Score(module, [[5, 4]], 0, 1), s => Assert.Equal(0f, s));
    }

    [Fact]
    public async Task A_run_gives_the_same_weights_while_another_trains_beside_it()
    {
        var split = CycleSplit();
        var options = Small with { MaxEpochs = 3, Patience = 10 };
        using var folder = new TemporaryDirectory();
        var kind = new SasRecKind();
        using (var alone = kind.Fit(RecommenderTrainingData.FromSplit(split, 4), options)) alone.Save(folder.File("alone"));

        var runs = new[] { 4, 5 }.Select(seed => Task.Run(() =>
        {
            using var fitted = kind.Fit(RecommenderTrainingData.FromSplit(split, seed), options);
            fitted.Save(folder.File($"beside-{seed}"));
        })).ToArray();
        await Task.WhenAll(runs);

        Assert.Equal(File.ReadAllBytes(folder.File("alone/model.safetensors")), File.ReadAllBytes(folder.File("beside-4/model.safetensors")));
    }

    // Each window as its items then ":" and its number of targets.
    private static string Describe(List<SasRecWindow> windows) => string.Join(" ", windows.Select(w => $"{string.Concat(w.Items)}:{w.Targets}"));
}
