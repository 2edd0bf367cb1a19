using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class ConstrainedBeamSearchTests
{
    [Theory]
    [InlineData(TigerHistoryInput.Codes)]
    [InlineData(TigerHistoryInput.Prefixes)]
    public void No_beam_output_is_an_invalid_id_or_a_history_item(TigerHistoryInput input)
    {
        // 60 items over 8 × 8 code pairs: most pairs are no item, and colliding pairs need their collision code.
        var ids = TigerFixtures.RandomIds(60, 8, seed: 3);
        var vocabulary = TigerVocabulary.Create(ids);
        Assert.True(vocabulary.HasCollisionLevel);
        var trie = PrefixTrie.Create(vocabulary);
        using var module = TigerFixtures.RandomModule(vocabulary, TigerFixtures.TinyModel with { HistoryInput = input }, seed: 11);
        var random = new Random(5);
        var histories = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(60)).ToArray()).ToArray();

        using var noGrad = no_grad();
        var (encoderInput, padding) = TigerInputs.Encoder(vocabulary, input, histories, 20);
        var results = ConstrainedBeamSearch.Search(module, vocabulary, trie, encoderInput, padding, null, beam: 10, k: 10, histories);
        var unconstrained = ConstrainedBeamSearch.Search(module, vocabulary, trie, encoderInput, padding, null, beam: 10, k: 10, null, constrained: false);

        for (var b = 0; b < histories.Length; b++)
        {
            var items = results[b].Items;
            Assert.Equal(10, items.Length);
            Assert.All(items, i => Assert.InRange(i, 0, 59));
            Assert.Empty(items.Intersect(histories[b]));
            Assert.Equal(items.Length, items.Distinct().Count());
            Assert.True(results[b].Scores.Zip(results[b].Scores.Skip(1)).All(p => p.First >= p.Second), "scores are not in descending order");
        }
        // A random network knows nothing of the trie: without it, some of its IDs are no item (so the check above could fail).
        Assert.Contains(unconstrained.SelectMany(r => r.Items), i => i < 0);
    }

    [Fact]
    public void A_beam_as_wide_as_the_catalogue_gives_the_top_k_of_exhaustive_scoring()
    {
        var ids = TigerFixtures.RandomIds(50, 6, seed: 8);
        var vocabulary = TigerVocabulary.Create(ids);
        var trie = PrefixTrie.Create(vocabulary);
        using var module = TigerFixtures.RandomModule(vocabulary, TigerFixtures.TinyModel with { Dropout = 0.3 }, seed: 21);
        var histories = new[] { new[] { 3, 17, 9 }, new[] { 44 }, new[] { 1, 2, 3, 4, 5, 6, 7 } };
        using var noGrad = no_grad();
        var (encoderInput, padding) = TigerInputs.Encoder(vocabulary, TigerHistoryInput.Codes, histories, 20);
        var beam = ConstrainedBeamSearch.Search(module, vocabulary, trie, encoderInput, padding, null, beam: vocabulary.ItemCount, k: 10, histories);

        for (var b = 0; b < histories.Length; b++)
        {
            // Exhaustive: every item's full ID teacher-forced in one pass; log P(ID) = Σ over levels of the level's log-softmax.
            var all = Enumerable.Range(0, vocabulary.ItemCount).ToArray();
            var (decoderInput, codes) = TigerInputs.Decoder(vocabulary, all);
            var (single, singlePadding) = TigerInputs.Encoder(vocabulary, TigerHistoryInput.Codes, [histories[b]], 20);
            var logits = module.forward(single.expand(all.Length, -1), singlePadding.expand(all.Length, -1), decoderInput);
            var scores = new double[all.Length];
            for (var l = 0; l < vocabulary.Levels; l++)
            {
                var logp = nn.functional.log_softmax(logits.select(1, l).narrow(1, vocabulary.Offset(l), vocabulary.LevelSize(l)), 1);
                var picked = logp.gather(1, codes.select(1, l).unsqueeze(1)).squeeze(1).data<float>().ToArray();
                for (var i = 0; i < all.Length; i++) scores[i] += picked[i];
            }
            var expected = all.Where(i => !histories[b].Contains(i)).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10).ToArray();
            Assert.Equal(expected, beam[b].Items);
            for (var r = 0; r < 10; r++) Assert.Equal(scores[expected[r]], beam[b].Scores[r], tolerance: 1e-4); // a tolerance, not rounding: two values 1e-7 apart can round apart
        }
    }
}
