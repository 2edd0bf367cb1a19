using RqVae.Recommender.Baselines;
using RqVae.Recommender.Protocol;
using RqVae.TestSupport;

namespace RqVae.Recommender.Tests.Baselines;

public sealed class BaselineTests
{
    // Five items, four users. Popularity: item 0 ×3, 1 ×3, 2 ×2, 3 ×1, 4 ×1.
    // Transitions: 0→1 ×2, 1→2 ×2, 1→3 ×1, 4→0 ×1.
    // Users per item: U0 = {u0, u1, u3}, U1 = {u0, u1, u2}, U2 = {u0, u2}, U3 = {u1}, U4 = {u3}.
    private static readonly int[][] Sequences = [[0, 1, 2], [0, 1, 3], [1, 2], [4, 0]];

    private static RecommenderTrainingData Data() => new([10, 11, 12, 13, 14], Sequences, [], seed: 1);

    private static IRecommender Fit(IRecommenderKind kind, object? options = null) => kind.Fit(Data(), options ?? kind.CreateDefaultOptions());

    [Fact]
    public void MostPop_ranks_by_training_count_with_ties_to_the_lower_index()
    {
        using var r = Fit(new MostPopKind());

        Assert.Equal([0, 1, 2, 3, 4], r.Recommend([[]], 5)[0]);
        Assert.Equal([1, 2, 3], r.Recommend([[0]], 3, [[0]])[0]);
    }

    [Fact]
    public void Markov_ranks_what_followed_the_last_item_then_backs_off_to_popularity()
    {
        using var r = Fit(new MarkovKind());
        var markov = (MarkovRecommender)r;

        Assert.Equal(2, markov.TransitionCount(0, 1));
        Assert.Equal(2, markov.TransitionCount(1, 2));
        Assert.Equal(1, markov.TransitionCount(1, 3));
        Assert.Equal(0, markov.TransitionCount(2, 0));
        // After 1: 2 (twice), 3 (once), then by popularity 0 and 4 (1 is the history).
        Assert.Equal([2, 3, 0, 4], r.Recommend([[1]], 5, [[1]])[0]);
        // Nothing ever followed 2: popularity alone.
        Assert.Equal([0, 1, 3, 4], r.Recommend([[2]], 5, [[2]])[0]);
        // Only the last item counts: after 4 then 0, the transitions of 0.
        Assert.Equal([1, 2, 3], r.Recommend([[4, 0]], 3, [[4, 0]])[0]);
    }

    [Fact]
    public void Item_knn_scores_are_sums_of_cosine_similarities_over_users()
    {
        using var r = Fit(new ItemKnnKind());
        var knn = (ItemKnnRecommender)r;

        Assert.Equal(2 / 3.0, knn.Similarity(0, 1), 5);              // |{u0,u1}| / √(3·3)
        Assert.Equal(2 / Math.Sqrt(6), knn.Similarity(1, 2), 5);     // |{u0,u2}| / √(3·2)
        Assert.Equal(1 / Math.Sqrt(3), knn.Similarity(1, 3), 5);
        Assert.Equal(0.0, knn.Similarity(2, 4), 5);
        // After 1: 2 (0.816), 0 (0.667), 3 (0.577), then 4 (no overlap).
        Assert.Equal([2, 0, 3, 4], r.Recommend([[1]], 4, [[1]])[0]);
        // After 0 and 1: 2 (0.408 + 0.816 = 1.225), 3 (0.577 + 0.577 = 1.155), 4 (0.577).
        Assert.Equal([2, 3, 4], r.Recommend([[0, 1]], 3, [[0, 1]])[0]);
    }

    [Fact]
    public void Item_knn_with_a_history_of_one_only_counts_the_last_item()
    {
        using var r = Fit(new ItemKnnKind(), new ItemKnnOptions { History = 1 });

        // Only item 1 votes: 2 (0.816) before 3 (0.577); 4 has no overlap with 1 (item 0 would have given it 0.577).
        Assert.Equal([2, 3, 4], r.Recommend([[0, 1]], 3, [[0, 1]])[0]);
    }

    [Theory]
    [InlineData(MostPopKind.KindName)]
    [InlineData(MarkovKind.KindName)]
    [InlineData(ItemKnnKind.KindName)]
    public void A_saved_baseline_loads_with_identical_recommendations(string kind)
    {
        using var folder = new TemporaryDirectory();
        using var fitted = Fit(RecommenderKinds.Get(kind));
        fitted.Save(folder.Path);

        using var loaded = RecommenderKinds.Load(folder.Path);

        int[][] histories = [[1], [2], [4, 0], []];
        Assert.Equal(kind, loaded.Kind);
        Assert.Equal(fitted.Recommend(histories, 5, histories), loaded.Recommend(histories, 5, histories));
    }

    [Fact]
    public void A_history_of_an_unknown_item_index_is_refused()
    {
        using var r = Fit(new MarkovKind());

        var e = Assert.Throws<RecommenderInputException>(() => r.Recommend([[7]], 3));

        Assert.Contains("item index 7", e.Message);
    }

    [Fact]
    public void The_registry_finds_every_kind_by_name()
    {
        Assert.Contains(RecommenderKinds.All, k => k.Name == "mostpop");
        Assert.Contains(RecommenderKinds.All, k => k.Name == "markov");
        Assert.Contains(RecommenderKinds.All, k => k.Name == "itemknn");
        Assert.Contains(RecommenderKinds.All, k => k.Name == "sasrec");
        var e = Assert.Throws<ArgumentException>(() => RecommenderKinds.Get("nope"));
        Assert.Contains("known kinds", e.Message);
    }
}
