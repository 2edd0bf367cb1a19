using RqVae.Recommender.Baselines;
using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;
using RqVae.TestSupport;

namespace RqVae.Recommender.Tests.Evaluation;

public sealed class RecommenderEvaluationTests
{
    [Fact]
    public void MostPop_on_a_hand_worked_split_gets_the_hand_computed_ranks_and_predictions()
    {
        // Items 10, 20, 30, 40, 50 (dense 0 … 4). User 1: 10, 20, 30, 40; user 2: 10, 30, 50; user 3: 20, 10, 40.
        // Training parts: [10, 20], [10], [20] → popularity 10 ×2, 20 ×2, then 30, 40, 50 (0 each, by index).
        Interaction[] ratings =
        [
            new(1, 10, 1), new(1, 20, 2), new(1, 30, 3), new(1, 40, 4),
            new(2, 10, 1), new(2, 30, 2), new(2, 50, 3),
            new(3, 20, 1), new(3, 10, 2), new(3, 40, 3),
        ];
        var split = LeaveLastOutSplit.Create(ratings, [10, 20, 30, 40, 50], new SplitOptions { ColdItemFraction = 0 });
        using var mostPop = new MostPopKind().Fit(RecommenderTrainingData.FromSplit(split, 1), new MostPopOptions());

        var result = RecommenderEvaluation.Evaluate(mostPop, split);

        // Test: user 1 (history 10, 20, 30) ranks 40, 50 → target 40 at rank 1. User 2 (history 10, 30) ranks 20, 40, 50 → 50 at 3.
        // User 3 (history 20, 10) ranks 30, 40, 50 → 40 at 2.
        Assert.Equal([1, 3, 2], result.TestRanks);
        Assert.Equal((1 + 0.5 + 1 / Math.Log2(3)) / 3, result.Test.Ndcg5, 12);
        // Validation: user 1 (history 10, 20) → 30 at 1; user 2 (history 10) → 30 after 20: rank 2; user 3 (history 20) → 10 at 1.
        Assert.Equal([1, 2, 1], result.ValidationRanks);

        using var folder = new TemporaryDirectory();
        PredictionsFile.Write(folder.File("predictions.csv"), split, result.TestTop);
        var lines = File.ReadAllLines(folder.File("predictions.csv"));
        Assert.Equal("user_id,rank,item_id", lines[0]);
        Assert.Equal(["1,1,40", "1,2,50", "2,1,20", "2,2,40", "2,3,50", "3,1,30", "3,2,40", "3,3,50"], lines[1..]);
    }

    [Fact]
    public void The_benchmark_table_has_a_row_per_method_and_a_bootstrap_line_against_the_reference()
    {
        var ratings = Enumerable.Range(0, 30).SelectMany(u => Enumerable.Range(0, 6).Select(t => new Interaction(u, (u + t) % 12, t))).ToArray();
        var split = LeaveLastOutSplit.Create(ratings, [.. Enumerable.Range(0, 12)], new SplitOptions { ColdItemFraction = 0 });
        BenchmarkEntry[] entries = [new("MostPop", new MostPopKind(), new MostPopOptions()), new("Markov-1", new MarkovKind(), new MarkovOptions())];

        var rows = RecommenderBenchmark.Run(split, entries, [1, 2]);
        var table = BenchmarkTable.Format(rows, "MostPop");

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(2, r.Runs.Count));
        // Every user walks +1 through the items: Markov always finds the next item.
        Assert.Equal(1.0, rows[1].Runs[0].Result.Test.Hr5);
        Assert.Contains("| Markov-1 | 1.0000 ± 0.0000 |", table);
        Assert.Contains("- Markov-1: HR@10 +", table);
    }
}
