using RqVae.Recommender.Tiger;
using RqVae.SemanticIds;

namespace RqVae.Recommender.Tests.Tiger;

public sealed class ColdPrefixRankingTests
{
    // 3-level IDs, 2 codes a level (tokens: level 0 → 3, 4; level 1 → 5, 6; level 2 → 7, 8). Items 0 (0,0,0), 1 (0,1,0) and
    // 2 (1,0,0) are warm; 3 (0,0,1) is cold and shares (0,0) with item 0; 4 (1,1,1) is cold and shares (1) with item 2.
    private static (TigerVocabulary Vocabulary, PrefixTrie Trie, bool[] Cold) Catalogue()
    {
        var vocabulary = TigerVocabulary.Create(new SemanticIdTable([0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1], 3));
        return (vocabulary, PrefixTrie.Create(vocabulary), [false, false, false, true, true]);
    }

    // Level 0: row 0 gives codes (0.6, 0.4), row 1 (0.1, 0.9); level 1 after code 0: (0.7, 0.3), after code 1: (0.5, 0.5).
    // Level 2 must never be asked: no cold item shares three levels with a warm one.
    private sealed class HandStep : IBeamStep
    {
        public List<(int Level, long Owner, long[] Prefix)> Calls { get; } = [];

        public float[] LogProbabilities(int level, long[] owners, long[] prefixes)
        {
            var result = new List<float>();
            for (var m = 0; m < owners.Length; m++)
            {
                var prefix = prefixes.AsSpan(m * level, level).ToArray();
                Calls.Add((level, owners[m], prefix));
                double[] p = level switch
                {
                    0 => owners[m] == 0 ? [0.6, 0.4] : [0.1, 0.9],
                    1 => prefix[0] == 3 ? [0.7, 0.3] : [0.5, 0.5],
                    _ => throw new InvalidOperationException($"level {level} was asked"),
                };
                result.AddRange(p.Select(v => (float)Math.Log(v)));
            }
            return [.. result];
        }
    }

    [Fact]
    public void A_cold_item_scores_its_shared_prefix_probability_split_among_the_prefix_children_less_the_penalty()
    {
        var (vocabulary, trie, cold) = Catalogue();
        var ranking = new ColdPrefixRanking(vocabulary, trie, cold, penalty: 0);
        Assert.Equal([3, 4], ranking.ColdItems);
        Assert.Equal([2, 1], ranking.SharedLevels);

        var step = new HandStep();
        var scores = ranking.Scores(step, rows: 2);
        // Item 3: P(0) · P(0 | 0) / 2 children of (0,0); item 4: P(1) / 2 children of (1).
        Assert.Equal(Math.Log(0.6 * 0.7 / 2), scores[0][0], 5);
        Assert.Equal(Math.Log(0.4 / 2), scores[0][1], 5);
        Assert.Equal(Math.Log(0.1 * 0.7 / 2), scores[1][0], 5);
        Assert.Equal(Math.Log(0.9 / 2), scores[1][1], 5);
        // Each row is asked level 0 once and level 1 only after (0), the one prefix a cold item continues.
        Assert.Equal(4, step.Calls.Count);
        Assert.All(step.Calls.Where(c => c.Level == 1), c => Assert.Equal([3L], c.Prefix));

        var penalised = new ColdPrefixRanking(vocabulary, trie, cold, penalty: 1.5).Scores(new HandStep(), rows: 2);
        Assert.Equal(Math.Log(0.6 * 0.7 / 2) - 1.5, penalised[0][0], 5);
    }

    [Fact]
    public void The_merge_ranks_beam_candidates_and_cold_items_on_one_log_probability_scale_without_excluded_items()
    {
        var (vocabulary, trie, cold) = Catalogue();
        var ranking = new ColdPrefixRanking(vocabulary, trie, cold, penalty: 0);
        // Beam: 0 (−1.0), 2 (−1.58), 1 (−2.0) and cold item 4 generated at −3.0, below its prefix score −1.6094, which it keeps.
        var found = new BeamResult([0, 2, 1, 4], [-1.0, -1.58, -2.0, -3.0]);
        double[] coldScores = [Math.Log(0.21), Math.Log(0.2)];
        Assert.Equal([0, 3, 2, 4, 1], ranking.Merge(found, coldScores, null, 5));
        Assert.Equal([0, 3, 4], ranking.Merge(found, coldScores, [2], 3));
    }
}
