using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.DecoderOnly;
using RqVae.SemanticIds;
using RqVae.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class TigerDecoderTests
{
    internal static readonly TigerDecoderOptions Tiny = new()
    {
        ModelDimension = 32,
        Layers = 1,
        Heads = 2,
        HeadDimension = 16,
        FeedForwardDimension = 64,
        Dropout = 0.0,
        PrefixEmbeddings = false,
        Window = 8,
        Stride = 4,
        Epochs = 12,
        BatchSize = 16,
        LearningRate = 3e-3,
        WarmupSteps = 10,
        LabelSmoothing = 0.0,
        Patience = 12,
        Beam = 10,
        DenseWeight = 0,
        // The content-only LIGER head where a test turns the head on; the item-embedding head has tests of its own.
        DenseItemEmbeddings = false,
        Ranking = TigerRanking.Generative,
    };

    // Three items with 2-level IDs and no collision: level 0 has codes 0..2 (tokens 3..5), level 1 codes 0..2 (tokens 6..8).
    private static TigerVocabulary HandVocabulary() => TigerVocabulary.Create(new SemanticIdTable([0, 1, 1, 0, 2, 2], 2));

    private static TigerDecoderModule RandomModule(TigerVocabulary vocabulary, TigerDecoderOptions options, ulong seed)
    {
        using var generator = new Generator(seed);
        var module = new TigerDecoderModule(options, vocabulary, generator);
        module.eval();
        return module;
    }

    private static TigerDecoderModule RandomDenseModule(TigerVocabulary vocabulary, TigerDecoderOptions options, Tensor content, ulong seed)
    {
        using var generator = new Generator(seed);
        var module = new TigerDecoderModule(options, vocabulary, generator, content);
        module.eval();
        return module;
    }

    [Fact]
    public void Windows_end_at_the_last_item_step_back_by_the_stride_and_make_every_later_item_a_target()
    {
        int[][] sequences = [[.. Enumerable.Range(0, 7)], [.. Enumerable.Range(0, 6)], [5], [1, 2]];
        var windows = TigerDecoderInputs.Windows(sequences, window: 3, stride: 2);
        // 7 items: ends 7, 5, 3; 6 items: ends 6, 4, then the start clamps to 0; 1 item: none; 2 items: one window.
        Assert.Equal(
            [new(0, 4, 3), new(0, 2, 3), new(0, 0, 3), new(1, 3, 3), new(1, 1, 3), new(1, 0, 3), new TigerWindow(3, 0, 2)],
            windows);
        foreach (var (u, sequence) in sequences.Index())
        {
            var targets = windows.Where(w => w.User == u).SelectMany(w => Enumerable.Range(w.Start + 1, w.Length - 1)).ToHashSet();
            Assert.Equal(Enumerable.Range(1, Math.Max(0, sequence.Length - 1)), targets.Order());
        }
    }

    [Fact]
    public void A_training_batch_is_bos_then_the_flattened_ids_shifted_by_one_with_the_first_item_and_padding_ignored()
    {
        var vocabulary = HandVocabulary();
        int[][] sequences = [[0, 1, 2], [2, 0]];
        var (input, prefixes, targets) = TigerDecoderInputs.Training(vocabulary, sequences, [new TigerWindow(0, 0, 3), new TigerWindow(1, 0, 2)]);

        // Item tokens: 0 → (3, 7), 1 → (4, 6), 2 → (5, 8). Position j·2 + l predicts item j's level-l code.
        Assert.Equal(new long[] { 1, 3, 7, 4, 6, 5, /* second window, right-padded */ 1, 5, 8, 3, 0, 0 }, input.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 6 }, input.shape);
        const long x = TigerDecoderInputs.Ignored;
        Assert.Equal(new long[] { x, x, 1, 0, 2, 2, /* second */ x, x, 0, 1, x, x }, targets.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3, 2 }, targets.shape);
        // Prefix n-gram rows, numbered by first appearance over the items: (0) 1, (0,1) 2, (1) 3, (1,0) 4, (2) 5, (2,2) 6.
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, /* second */ 0, 5, 6, 1, 0, 0 }, prefixes.data<long>().ToArray());
    }

    [Fact]
    public void The_loss_of_a_padded_batch_is_the_target_weighted_mean_of_its_windows_alone()
    {
        // Padding after a short window must change nothing: with causal attention no real position sees it, and its targets are ignored.
        var ids = TigerFixtures.RandomIds(20, 5, seed: 1);
        var vocabulary = TigerVocabulary.Create(ids);
        using var module = RandomModule(vocabulary, Tiny, seed: 3);
        int[][] sequences = [[1, 2, 3, 4, 5, 6], [7, 8]];
        TigerWindow longer = new(0, 0, 6), shorter = new(1, 0, 2);
        using var noGrad = no_grad();
        var both = TigerDecoderTrainer.Loss(module, vocabulary, sequences, [longer, shorter], 0).item<float>();
        var first = TigerDecoderTrainer.Loss(module, vocabulary, sequences, [longer], 0).item<float>();
        var second = TigerDecoderTrainer.Loss(module, vocabulary, sequences, [shorter], 0).item<float>();
        Assert.Equal((5 * first + 1 * second) / 6, both, 5);
    }

    [Fact]
    public void The_target_items_of_a_batch_are_each_windows_items_after_its_first_with_padding_ignored()
    {
        int[][] sequences = [[0, 1, 2], [2, 0]];
        using var items = TigerDecoderInputs.TargetItems(sequences, [new TigerWindow(0, 0, 3), new TigerWindow(1, 0, 2)]);
        const long x = TigerDecoderInputs.Ignored;
        Assert.Equal(new long[] { x, 1, 2, /* second */ x, 0, x }, items.data<long>().ToArray());
        Assert.Equal(new long[] { 2, 3 }, items.shape);
    }

    [Fact]
    public void The_dense_term_of_the_loss_reads_the_state_before_each_target_items_first_code()
    {
        var ids = TigerFixtures.RandomIds(20, 5, seed: 1);
        var vocabulary = TigerVocabulary.Create(ids);
        using var content = randn(20, 6, generator: new Generator(4));
        var options = Tiny with { ContentDimension = 6 };
        using var module = RandomDenseModule(vocabulary, options, content, seed: 3);
        int[][] sequences = [[1, 2, 3, 4], [7, 8]];
        TigerWindow longer = new(0, 0, 4), shorter = new(1, 0, 2);
        using var cold = tensor(Enumerable.Range(0, 20).Select(i => i == 19).ToArray());
        using var noGrad = no_grad();
        var plain = TigerDecoderTrainer.Loss(module, vocabulary, sequences, [longer, shorter], 0).item<float>();
        var withDense = TigerDecoderTrainer.Loss(module, vocabulary, sequences, [longer, shorter], 0, new DenseLoss(2.0, 0.1, cold)).item<float>();

        // Independently: the unpadded window's states at BOS + j·L − 1 (after item j − 1's last token), for items 2, 3, 4 and 8.
        double Term(int[] window, int j)
        {
            var tokens = new List<long> { TigerVocabulary.Bos };
            foreach (var item in window[..j]) tokens.AddRange(vocabulary.Tokens(item).ToArray().Select(t => (long)t));
            var states = module.forward(tensor(tokens.ToArray(), [1, tokens.Count]), null);
            return module.Dense.Loss(states.select(1, tokens.Count - 1), tensor(new long[] { window[j] }), cold, 0.1).item<float>();
        }
        var expected = new[] { Term([1, 2, 3, 4], 1), Term([1, 2, 3, 4], 2), Term([1, 2, 3, 4], 3), Term([7, 8], 1) }.Average();
        Assert.Equal(plain + 2.0 * expected, withDense, tolerance: 1e-4);
        Assert.True(expected > 0.1, $"the dense term {expected} is too small for the check to mean anything");
    }

    // Items 30..39 are cold twins of warm items 0..9: never in training, content within a hair of their twin's.
    internal static (RecommenderTrainingData Data, bool[] Cold) ColdTwins()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 6);
        var (cycle, _) = TigerFixtures.CycleTask(30, 120, 12, new SemanticIdTable(ids.Codes[..60].ToArray(), 2), seed: 7);
        var cold = Enumerable.Range(0, 40).Select(i => i >= 30).ToArray();
        var random = new Random(3);
        var content = new float[40, 16];
        for (var i = 0; i < 30; i++)
            for (var d = 0; d < 16; d++) content[i, d] = (float)random.NextDouble() - 0.5f;
        for (var i = 30; i < 40; i++)
            for (var d = 0; d < 16; d++) content[i, d] = content[i - 30, d] + 0.01f * ((float)random.NextDouble() - 0.5f);
        return (new RecommenderTrainingData(Enumerable.Range(1, 40).ToArray(), cycle.TrainingSequences, cycle.Validation, 1, cold, ids, content), cold);
    }

    [Fact]
    public void The_dense_head_ranks_a_cold_item_by_its_content_where_the_generative_scores_cannot()
    {
        var (data, _) = ColdTwins();
        using var dense = TigerDecoderTrainer.Fit(data, Tiny with { LearningRate = 1e-2, DenseWeight = 1, Ranking = TigerRanking.Dense });
        using var generative = dense.WithRanking(TigerRanking.Generative);

        // After ..., i − 1, i the next item is i + 1; when that has a cold twin, the twin's content is the answer too.
        var histories = Enumerable.Range(1, 9).Select(i => new[] { i - 1, i }).ToArray();
        var twins = histories.Select(h => h[1] + 1 + 30).ToArray();
        var byContent = dense.Recommend(histories, 2, histories);
        var byIds = generative.Recommend(histories, 2, histories);
        var hits = byContent.Zip(twins).Count(p => p.First.Contains(p.Second));
        var generatedHits = byIds.Zip(twins).Count(p => p.First.Contains(p.Second));
        // A twin is one item of 40; training is the same in every process, and gives 8.
        Assert.True(hits >= 8, $"the cold twin was in the dense top 2 for {hits} of 9 histories");
        Assert.True(generatedHits <= 1, $"the cold twin was in the generative top 2 for {generatedHits} of 9 histories");
        Assert.All(byContent.Zip(histories), p => Assert.Empty(p.First.Intersect(p.Second)));
    }

    [Fact]
    public void The_default_dense_head_without_item_embeddings_is_refused_with_what_to_pass()
    {
        var ids = TigerFixtures.RandomIds(30, 6, seed: 5);
        var (data, _) = TigerFixtures.CycleTask(30, 20, 8, ids, seed: 3);
        var defaults = new TigerDecoderOptions();
        Assert.Equal(TigerRanking.DenseAll, defaults.Ranking);
        Assert.True(defaults.DenseItemEmbeddings);
        var error = Assert.Throws<RecommenderInputException>(() => TigerDecoderTrainer.Fit(data, defaults with { ModelDimension = 16, FeedForwardDimension = 32 }));
        Assert.Contains("--item-features", error.Message);
        Assert.Contains("--set dense_weight=0 --set ranking=Generative", error.Message);
    }

    [Fact]
    public void A_saved_and_loaded_decoder_only_recommender_keeps_its_dense_head()
    {
        var (data, _) = ColdTwins();
        using var folder = new TemporaryDirectory();
        using var fitted = TigerDecoderTrainer.Fit(data, Tiny with { Epochs = 2, DenseWeight = 1, Ranking = TigerRanking.Dense, PrefixEmbeddings = true });
        fitted.Save(folder.Path);
        using var loaded = Assert.IsType<TigerDecoderRecommender>(RecommenderKinds.Load(folder.Path));

        Assert.True(loaded.HasDenseHead);
        Assert.Equal(TigerRanking.Dense, loaded.Options.Ranking);
        Assert.Equal(16, loaded.Options.ContentDimension);
        var expected = fitted.Module.state_dict();
        var actual = loaded.Module.state_dict();
        Assert.Contains("dense_head.projection.weight", actual.Keys);
        Assert.Contains("dense_head.item_content", actual.Keys);
        foreach (var (name, weight) in expected) Assert.True(weight.eq(actual[name]).all().item<bool>(), $"{name} differs");
        int[][] histories = [[1, 2, 3], [5], [8, 9]];
        var before = fitted.Recommend(histories, 10, histories);
        Assert.Equal(before, loaded.Recommend(histories, 10, histories));
        Assert.Contains(before.SelectMany(r => r), i => i >= 30);
    }

    [Fact]
    public void With_learned_item_embeddings_the_whole_catalogue_ranking_learns_the_successor_rule_and_cold_items_keep_zero_embeddings()
    {
        var (data, _) = ColdTwins();
        using var fitted = TigerDecoderTrainer.Fit(data, Tiny with { LearningRate = 1e-2, DenseWeight = 1, DenseItemEmbeddings = true, Ranking = TigerRanking.DenseAll });
        // After ..., i − 1, i the next item is i + 1; items 11 … 29 have no cold twin to share the answer with.
        var histories = Enumerable.Range(10, 19).Select(i => new[] { i - 1, i }).ToArray();
        var top = fitted.Recommend(histories, 1, histories);
        var hits = top.Zip(histories).Count(p => p.First[0] == p.Second[1] + 1);
        Assert.True(hits >= 17, $"the successor came first for {hits} of {histories.Length} histories");
        var embeddings = fitted.Module.state_dict()["dense_head.item_embedding"];
        Assert.Equal(0f, embeddings.narrow(0, 30, 10).abs().sum().item<float>());
        Assert.True(embeddings.narrow(0, 0, 30).abs().sum().item<float>() > 0);

        using var folder = new TemporaryDirectory();
        fitted.Save(folder.Path);
        using var loaded = Assert.IsType<TigerDecoderRecommender>(RecommenderKinds.Load(folder.Path));
        Assert.True(loaded.Options.DenseItemEmbeddings);
        Assert.Equal(top, loaded.Recommend(histories, 1, histories));
        Assert.Throws<ArgumentException>(() => (Tiny with { DenseItemEmbeddings = true, DenseWeight = 0, Ranking = TigerRanking.DenseAll }).Validate());

        // A cold twin (content within 0.01 of warm item j's) borrows j's embedding from its nearest warm neighbour, so after
        // ..., i − 1, i it stands beside the successor i + 1; without neighbours it has no collaborative term at all.
        var twinHistories = Enumerable.Range(1, 8).Select(i => new[] { i - 1, i }).ToArray();
        int TwinHits(int neighbours)
        {
            using var view = fitted.WithRanking(TigerRanking.DenseAll, denseColdNeighbours: neighbours);
            return view.Recommend(twinHistories, 2, twinHistories).Zip(twinHistories).Count(p => p.First.Contains(p.Second[1] + 1 + 30));
        }
        var borrowed = TwinHits(1);
        var alone = TwinHits(0);
        Assert.True(borrowed >= 6 && borrowed > alone, $"the cold twin was in the top 2 for {borrowed} of 8 histories with a neighbour's embedding, {alone} without");
    }

    [Fact]
    public void With_item_embeddings_from_id_prefixes_a_cold_item_takes_the_part_its_first_code_learned_from_its_warm_twin()
    {
        // Items 30..39 are cold and share only their first code with warm items 0..9 (ID (j, 1) against (j, 0); no other
        // item has code j first); every item has the same content, so only the IDs can tie a cold item to a warm one.
        var codes = new int[80];
        for (var i = 0; i < 30; i++) (codes[2 * i], codes[2 * i + 1]) = (i, 0);
        for (var i = 30; i < 40; i++) (codes[2 * i], codes[2 * i + 1]) = (i - 30, 1);
        var ids = new SemanticIdTable(codes, 2);
        var (cycle, _) = TigerFixtures.CycleTask(30, 120, 12, new SemanticIdTable(codes[..60], 2), seed: 7);
        var cold = Enumerable.Range(0, 40).Select(i => i >= 30).ToArray();
        var content = new float[40, 16];
        for (var i = 0; i < 40; i++)
            for (var d = 0; d < 16; d++) content[i, d] = 1;
        var data = new RecommenderTrainingData(Enumerable.Range(1, 40).ToArray(), cycle.TrainingSequences, cycle.Validation, 1, cold, ids, content);
        var options = Tiny with { LearningRate = 1e-2, DenseWeight = 1, DenseItemEmbeddings = true, Ranking = TigerRanking.DenseAll, DenseColdNeighbours = 0 };

        // After ..., i − 1, i the next item is i + 1, whose cold twin is i + 31.
        var histories = Enumerable.Range(1, 8).Select(i => new[] { i - 1, i }).ToArray();
        int TwinHits(TigerDecoderRecommender fitted) =>
            fitted.Recommend(histories, 5, histories).Zip(histories).Count(p => p.First.Contains(p.Second[1] + 1 + 30));
        using var byPrefix = TigerDecoderTrainer.Fit(data, options with { DenseItemEmbeddingsFromIdPrefixes = true });
        using var perItem = TigerDecoderTrainer.Fit(data, options);
        var prefixHits = TwinHits(byPrefix);
        var itemHits = TwinHits(perItem);
        Assert.True(prefixHits >= 7 && prefixHits > itemHits, $"the cold twin was in the top 5 for {prefixHits} of 8 histories with ID-prefix embeddings, {itemHits} with one embedding per item");
        // The warm answer itself is still learned.
        var first = byPrefix.Recommend(histories, 1, histories).Zip(histories).Count(p => p.First[0] == p.Second[1] + 1);
        Assert.True(first >= 7, $"the successor came first for {first} of 8 histories");

        using var folder = new TemporaryDirectory();
        byPrefix.Save(folder.Path);
        using var loaded = Assert.IsType<TigerDecoderRecommender>(RecommenderKinds.Load(folder.Path));
        Assert.True(loaded.Options.DenseItemEmbeddingsFromIdPrefixes);
        Assert.Equal(byPrefix.Recommend(histories, 3, histories), loaded.Recommend(histories, 3, histories));
        Assert.Throws<ArgumentException>(() => (Tiny with { DenseWeight = 1, DenseItemEmbeddings = false, DenseItemEmbeddingsFromIdPrefixes = true, Ranking = TigerRanking.Dense }).Validate());
    }

    [Fact]
    public void The_decoding_prefix_is_left_padded_bos_then_the_last_history_items()
    {
        var vocabulary = HandVocabulary();
        var (tokens, prefixes, padding) = TigerDecoderInputs.Prefix(vocabulary, [[2, 0, 1], [2], []], maxHistory: 2);
        Assert.Equal(new long[] { 1, 3, 7, 4, 6, /* [2] */ 0, 0, 1, 5, 8, /* [] */ 0, 0, 0, 0, 1 }, tokens.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 0, 0, 0, 5, 6, 0, 0, 0, 0, 0 }, prefixes.data<long>().ToArray());
        Assert.Equal(new[] { false, false, false, false, false, true, true, false, false, false, true, true, true, true, false }, padding.data<bool>().ToArray());
    }

    [Fact]
    public void Decoder_only_tiger_learns_a_deterministic_next_item_rule()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 2);
        var (data, test) = TigerFixtures.CycleTask(40, 120, 12, ids, seed: 7);
        using var recommender = TigerDecoderTrainer.Fit(data, Tiny with { LearningRate = 1e-2 });

        var ranks = RankingMetrics.Ranks(recommender, test, depth: 1);
        Assert.True(ranks.Average(r => RankingMetrics.HitRate(r, 1)) >= 0.95, $"test HR@1 {ranks.Average(r => RankingMetrics.HitRate(r, 1)):0.000}");
    }

    [Fact]
    public void No_decoder_only_beam_output_is_an_invalid_id_or_a_history_item()
    {
        var ids = TigerFixtures.RandomIds(60, 8, seed: 3);
        var vocabulary = TigerVocabulary.Create(ids);
        Assert.True(vocabulary.HasCollisionLevel);
        using var recommender = new TigerDecoderRecommender(RandomModule(vocabulary, Tiny, seed: 11), vocabulary, ids, Tiny with { MaxHistory = 20 }, new bool[60], 0);
        var random = new Random(5);
        var histories = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(0, 30)).Select(_ => random.Next(60)).ToArray()).ToArray();

        var results = recommender.Search(histories, 10, histories, constrained: true);
        for (var b = 0; b < histories.Length; b++)
        {
            var items = results[b].Items;
            Assert.Equal(10, items.Length);
            Assert.All(items, i => Assert.InRange(i, 0, 59));
            Assert.Empty(items.Intersect(histories[b]));
            Assert.Equal(items.Length, items.Distinct().Count());
            Assert.True(results[b].Scores.Zip(results[b].Scores.Skip(1)).All(p => p.First >= p.Second), "scores are not in descending order");
        }
        // Without the trie the random network does produce IDs that are no item, so the check above could fail.
        Assert.True(recommender.InvalidShareUnconstrained(histories, 10) > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_decoder_only_beam_as_wide_as_the_catalogue_gives_the_top_k_of_exhaustive_scoring(bool prefixEmbeddings)
    {
        var ids = TigerFixtures.RandomIds(50, 6, seed: 8);
        var vocabulary = TigerVocabulary.Create(ids);
        var options = Tiny with { Layers = 2, Dropout = 0.3, Beam = 50, MaxHistory = 20, PrefixEmbeddings = prefixEmbeddings };
        var module = RandomModule(vocabulary, options, seed: 21);
        if (prefixEmbeddings)
        {
            // A trained table is not zero: give it values, so that the cached search's prefix rows are checked too.
            using var noGrad1 = no_grad();
            module.state_dict()["prefix_embedding.weight"].normal_(0, 1);
        }
        using var recommender = new TigerDecoderRecommender(module, vocabulary, ids, options, new bool[50], 0);
        int[][] histories = [[3, 17, 9], [44], [1, 2, 3, 4, 5, 6, 7], []];
        var beam = recommender.Search(histories, 10, histories, constrained: true);

        using var noGrad = no_grad();
        var levels = vocabulary.Levels;
        foreach (var (b, history) in histories.Index())
        {
            // Exhaustive, without the cache: every item's full ID after BOS and the history, in one plain causal pass;
            // log P(ID) = Σ over levels of the level's log-softmax at the position before that level's token.
            var all = Enumerable.Range(0, vocabulary.ItemCount).ToArray();
            var prefix = new List<long> { TigerVocabulary.Bos };
            var prefixRows = new List<long> { 0 };
            foreach (var item in history)
            {
                prefix.AddRange(vocabulary.Tokens(item).ToArray().Select(t => (long)t));
                prefixRows.AddRange(vocabulary.Prefixes(item).ToArray().Select(t => (long)t));
            }
            var sequences = all.SelectMany(i => prefix.Concat(vocabulary.Tokens(i)[..^1].ToArray().Select(t => (long)t))).ToArray();
            var rows = all.SelectMany(i => prefixRows.Concat(vocabulary.Prefixes(i)[..^1].ToArray().Select(t => (long)t))).ToArray();
            var length = prefix.Count + levels - 1;
            var logits = module.Logits(module.forward(tensor(sequences, [all.Length, length]), prefixEmbeddings ? tensor(rows, [all.Length, length]) : null));
            var scores = new double[all.Length];
            for (var l = 0; l < levels; l++)
            {
                var logp = nn.functional.log_softmax(logits.select(1, prefix.Count - 1 + l).narrow(1, vocabulary.Offset(l), vocabulary.LevelSize(l)), 1).data<float>().ToArray();
                for (var i = 0; i < all.Length; i++) scores[i] += logp[i * vocabulary.LevelSize(l) + vocabulary.Tokens(i)[l] - vocabulary.Offset(l)];
            }
            var expected = all.Where(i => !history.Contains(i)).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10).ToArray();
            Assert.Equal(expected, beam[b].Items);
            for (var r = 0; r < 10; r++) Assert.Equal(scores[expected[r]], beam[b].Scores[r], tolerance: 1e-4); // a tolerance, not rounding: two values 1e-7 apart can round apart
        }
    }

    [Fact]
    public void A_saved_and_loaded_decoder_only_recommender_gives_identical_recommendations()
    {
        var ids = TigerFixtures.RandomIds(40, 6, seed: 4);
        var (data, test) = TigerFixtures.CycleTask(40, 60, 10, ids, seed: 9);
        using var folder = new TemporaryDirectory();
        using var fitted = TigerDecoderTrainer.Fit(data, Tiny with { Epochs = 2, PrefixEmbeddings = true });
        fitted.Save(folder.Path);
        using var loaded = RecommenderKinds.Load(folder.Path);

        var histories = test.Select(c => c.History).ToArray();
        Assert.IsType<TigerDecoderRecommender>(loaded);
        Assert.Equal(fitted.Recommend(histories, 10, histories), loaded.Recommend(histories, 10, histories));
        Assert.Equal(fitted.ParameterCount, loaded.ParameterCount);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_a_resumed_run_the_weights_of_an_uninterrupted_one()
    {
        var ids = TigerFixtures.RandomIds(30, 6, seed: 5);
        var (data, _) = TigerFixtures.CycleTask(30, 40, 8, ids, seed: 3);
        var options = Tiny with { Epochs = 3, Dropout = 0.2 };
        using var uninterrupted = TigerDecoderTrainer.Fit(data, options);
        using var again = TigerDecoderTrainer.Fit(data, options);

        using var folder = new TemporaryDirectory();
        var settings = new RecommenderFitSettings { CheckpointDirectory = folder.Path };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirst = new SynchronousProgress<RecommenderTrainingProgress>(p =>
        {
            if (p.Epoch == 1) cancel.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => TigerDecoderTrainer.Fit(data, options, settings, stopAfterFirst, cancel.Token));
        var epochs = new List<int>();
        using var resumed = TigerDecoderTrainer.Fit(data, options, settings with { Resume = true }, new SynchronousProgress<RecommenderTrainingProgress>(p => epochs.Add(p.Epoch)));

        Assert.Equal([2, 3], epochs);
        var expected = uninterrupted.Module.state_dict();
        foreach (var other in new[] { again, resumed })
        {
            var actual = other.Module.state_dict();
            Assert.Equal(expected.Keys, actual.Keys);
            foreach (var (name, weight) in expected)
                Assert.True(weight.eq(actual[name]).all().item<bool>(), $"{name} differs");
        }
        Assert.Equal(uninterrupted.BestEpoch, resumed.BestEpoch);
    }
}
