using RqVae.Recommender;
using RqVae.Recommender.Protocol;

namespace RqVae.Recommender.Tests.Protocol;

public sealed class LeaveLastOutSplitTests
{
    // Catalogue 10, 20, 30, 40, 50 → dense indices 0 … 4.
    private static readonly int[] Catalogue = [10, 20, 30, 40, 50];

    private static readonly Interaction[] Ratings =
    [
        // User 7: 20 at t=50, then 30 and 10 at the same t=100 (ties go by item key: 10 before 30), then 40 at t=200.
        new(7, 30, 100), new(7, 40, 200), new(7, 10, 100), new(7, 20, 50),
        // User 3: three items, the smallest user that has a training part.
        new(3, 30, 7), new(3, 10, 5), new(3, 20, 6),
        // User 9: two items, no training part: left out.
        new(9, 50, 1), new(9, 10, 2),
    ];

    [Fact]
    public void Sorts_by_time_then_item_key_and_cuts_training_validation_and_test()
    {
        var split = LeaveLastOutSplit.Create(Ratings, Catalogue, new SplitOptions { ColdItemFraction = 0 });

        Assert.Equal([3, 7], split.UserKeys);
        Assert.Equal([0, 1, 2], split.Sequences[0]);            // user 3: 10, 20, 30
        Assert.Equal([1, 0, 2, 3], split.Sequences[1]);         // user 7: 20, 10, 30, 40
        Assert.Equal([0], split.TrainingSequences[0]);
        Assert.Equal([1, 0], split.TrainingSequences[1]);
        Assert.Equal(new EvaluationCase(0, [0], 1), split.Validation[0], CaseComparer.Instance);
        Assert.Equal(new EvaluationCase(0, [0, 1], 2), split.Test[0], CaseComparer.Instance);
        Assert.Equal(new EvaluationCase(1, [1, 0], 2), split.Validation[1], CaseComparer.Instance);
        Assert.Equal(new EvaluationCase(1, [1, 0, 2], 3), split.Test[1], CaseComparer.Instance);
    }

    [Fact]
    public void The_order_of_the_input_rows_does_not_change_the_split()
    {
        var a = LeaveLastOutSplit.Create(Ratings, Catalogue, new SplitOptions { ColdItemFraction = 0 });
        var b = LeaveLastOutSplit.Create([.. Ratings.Reverse()], Catalogue, new SplitOptions { ColdItemFraction = 0 });

        Assert.Equal(a.Sequences, b.Sequences);
    }

    [Fact]
    public void Training_examples_are_every_prefix_cut_to_the_maximum_history()
    {
        var examples = TrainingExampleCutter.Cut([[5, 6, 7, 8]], maxHistory: 2).ToList();

        Assert.Equal(3, examples.Count);
        Assert.Equal([5], examples[0].History);
        Assert.Equal(6, examples[0].Target);
        Assert.Equal([5, 6], examples[1].History);
        Assert.Equal(7, examples[1].Target);
        Assert.Equal([6, 7], examples[2].History);
        Assert.Equal(8, examples[2].Target);
    }

    [Fact]
    public void Held_out_items_are_dropped_from_training_but_stay_in_evaluation_histories()
    {
        // 100 items, 5 % held out; users walk through consecutive items so that every item is rated.
        var catalogue = Enumerable.Range(1, 100).ToArray();
        var ratings = Enumerable.Range(0, 50).SelectMany(u => Enumerable.Range(0, 10).Select(t => new Interaction(u, 1 + (u * 7 + t) % 100, t))).ToArray();
        var split = LeaveLastOutSplit.Create(ratings, catalogue, new SplitOptions { ColdItemFraction = 0.05, SplitSeed = 3 });

        var cold = Enumerable.Range(0, 100).Where(split.IsCold).ToArray();
        Assert.Equal(5, cold.Length);
        Assert.DoesNotContain(split.TrainingSequences.SelectMany(s => s), i => split.IsCold(i));
        Assert.Contains(split.Test.SelectMany(c => c.History), i => split.IsCold(i));
        Assert.All(split.ColdTest, c => Assert.True(split.IsCold(c.Target)));
        Assert.Equal(split.Test.Count(c => split.IsCold(c.Target)), split.ColdTest.Count);
        // The training part keeps the order of the rest: it is the history without its held-out items.
        for (var u = 0; u < split.UserKeys.Count; u++)
            Assert.Equal(split.Validation[u].History.Where(i => !split.IsCold(i)), split.TrainingSequences[u]);
        // The same seed holds out the same items; another seed others.
        Assert.Equal(cold, Enumerable.Range(0, 100).Where(LeaveLastOutSplit.Create(ratings, catalogue, new SplitOptions { ColdItemFraction = 0.05, SplitSeed = 3 }).IsCold));
        Assert.NotEqual(cold, Enumerable.Range(0, 100).Where(LeaveLastOutSplit.Create(ratings, catalogue, new SplitOptions { ColdItemFraction = 0.05, SplitSeed = 4 }).IsCold));
    }

    [Fact]
    public void A_rating_of_an_unknown_item_is_refused_naming_the_row_and_item()
    {
        var e = Assert.Throws<RecommenderInputException>(() => LeaveLastOutSplit.Create([new(1, 10, 1), new(1, 99, 2)], Catalogue));

        Assert.Contains("Interaction 2", e.Message);
        Assert.Contains("item 99", e.Message);
        Assert.Contains("not in the catalogue", e.Message);
    }

    private sealed class CaseComparer : IEqualityComparer<EvaluationCase>
    {
        public static CaseComparer Instance { get; } = new();

        public bool Equals(EvaluationCase? x, EvaluationCase? y) => x!.User == y!.User && x.Target == y.Target && x.History.SequenceEqual(y.History);

        public int GetHashCode(EvaluationCase obj) => obj.Target;
    }
}
