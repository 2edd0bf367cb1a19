using RqVae.Cli.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>rqvae recommend: train → eval → predictions.csv → for, on a hand-worked ratings file, and its refusals.</summary>
public sealed class RecommendCommandTests
{
    // User 1: 10, 20, 30, 40; user 2: 10, 30, 50; user 3: 20, 10, 40 (timestamps in that order).
    // Training parts [10, 20], [10], [20]: popularity 10 ×2, 20 ×2; the only transition 10 → 20.
    private const string Ratings = "userId,movieId,rating,timestamp\n1,10,4.0,1\n1,20,3.5,2\n1,30,5.0,3\n1,40,1.0,4\n2,10,4.0,1\n2,30,4.0,2\n2,50,4.0,3\n3,20,2.0,1\n3,10,2.0,2\n3,40,2.0,3\n";

    [Fact]
    public void Train_eval_and_for_give_the_hand_computed_markov_recommendations_through_the_real_tool()
    {
        using var dir = new TemporaryDirectory();
        var ratings = dir.Write("ratings.csv", Ratings);
        var model = dir.File("markov");

        var train = ToolProcess.Run(dir.Path, TimeSpan.FromMinutes(2), "recommend", "train", "--kind", "markov", "--ratings", ratings, "--cold-fraction", "0", "-o", model);
        Assert.True(train.ExitCode == 0, train.ToString());
        var eval = ToolProcess.Run(dir.Path, TimeSpan.FromMinutes(2), "recommend", "eval", model);
        Assert.True(eval.ExitCode == 0, eval.ToString());

        // Test questions: user 1 after 30 (no transitions) → popularity without 10, 20, 30: 40, 50; user 2 after 30 → 20, 40, 50;
        // user 3 after 10 → 20 is excluded (seen), so 30, 40, 50. Targets 40, 50, 40 at ranks 1, 3, 2.
        Assert.Equal(["user_id,rank,item_id", "1,1,40", "1,2,50", "2,1,20", "2,2,40", "2,3,50", "3,1,30", "3,2,40", "3,3,50"],
            File.ReadAllLines(Path.Combine(model, "predictions.csv")));
        Assert.Contains("| Markov-1 | 1.0000 ± 0.0000 | 1.0000 ± 0.0000 | 1.0000 ± 0.0000 |", eval.Output);

        var after10 = ToolProcess.Run(dir.Path, TimeSpan.FromMinutes(2), "recommend", "for", model, "--history", "10", "--top", "2");
        Assert.True(after10.ExitCode == 0, after10.ToString());
        Assert.Contains(" 1. 20", after10.Output);
        Assert.Contains(" 2. 30", after10.Output);
    }

    [Fact]
    public void A_history_of_an_unknown_item_is_a_clear_error()
    {
        using var dir = new TemporaryDirectory();
        var ratings = dir.Write("ratings.csv", Ratings);
        var model = dir.File("pop");
        Assert.Equal(0, Tool.Run("recommend", "train", "--kind", "mostpop", "--ratings", ratings, "-o", model).ExitCode);

        var result = Tool.Run("recommend", "for", model, "--history", "10,99");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("item 99 is not in the catalogue", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Ratings_of_items_the_id_table_does_not_have_are_a_clear_error()
    {
        using var dir = new TemporaryDirectory();
        var ratings = dir.Write("ratings.csv", Ratings);
        var ids = dir.Write("ids.csv", "item_id,c0,c1\n10,0,1\n20,0,2\n30,1,1\n");

        var result = Tool.Run("recommend", "train", "--kind", "mostpop", "--ratings", ratings, "--ids", ids, "-o", dir.File("out"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("ratings.csv", result.Error);
        Assert.Contains("names item 40, which is not in the catalogue", result.Error);
    }

    [Fact]
    public void An_unknown_setting_is_a_usage_error_that_lists_the_settings()
    {
        using var dir = new TemporaryDirectory();
        var ratings = dir.Write("ratings.csv", Ratings);

        var unknown = Tool.Run("recommend", "train", "--kind", "sasrec", "--ratings", ratings, "--set", "layers=3", "-o", dir.File("a"));

        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("has no setting 'layers'", unknown.Error);
        Assert.Contains("blocks (default 2)", unknown.Error);
    }

    [Fact]
    public void Item_features_that_miss_catalogue_items_are_a_clear_error_naming_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var ratings = dir.Write("ratings.csv", Ratings);
        var features = dir.Write("features.csv", "id,f0,f1\n10,1,0\n20,0,1\n30,1,1\n");

        var result = Tool.Run("recommend", "train", "--kind", "mostpop", "--ratings", ratings, "--item-features", features, "-o", dir.File("out"));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("features.csv' does not cover the items: 2 of 5 catalogue items have no vector (e.g. 40, 50)", result.Error);
        Assert.Contains("--item-features", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }
}
