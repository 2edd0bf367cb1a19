using RqVae.Recommender.Protocol;
using RqVae.SemanticIds;

namespace RqVae.Recommender.Tests.Protocol;

public sealed class ItemSideDataTests
{
    [Fact]
    public void Ids_are_put_in_catalogue_order()
    {
        var table = new SemanticIdTable(["30", "10", "20"], [3, 3, 1, 1, 2, 2], 2);

        var aligned = ItemSideData.AlignSemanticIds(table, [10, 20, 30]);

        Assert.Equal([1, 1, 2, 2, 3, 3], aligned.Codes.ToArray());
        Assert.Equal(["10", "20", "30"], aligned.ItemIds);
    }

    [Fact]
    public void A_table_that_does_not_cover_the_catalogue_is_refused_naming_the_missing_items()
    {
        var table = new SemanticIdTable(["10", "20"], [1, 1, 2, 2], 2);

        var e = Assert.Throws<RecommenderInputException>(() => ItemSideData.AlignSemanticIds(table, [10, 20, 30, 40], "'ids.csv'"));

        Assert.Contains("'ids.csv' does not cover the items: 2 of 4", e.Message);
        Assert.Contains("30, 40", e.Message);
    }

    [Fact]
    public void Embeddings_are_put_in_catalogue_order_and_rows_outside_it_are_ignored()
    {
        // Rows: 30 → (3, 3.5), 99 → not a catalogue item, 10 → (1, 1.5), 20 → (2, 2.5).
        var aligned = ItemSideData.AlignEmbeddings(["30", "99", "10", "20"], [3f, 3.5f, 9f, 9f, 1f, 1.5f, 2f, 2.5f], 2, [10, 20, 30]);

        Assert.Equal(new float[,] { { 1f, 1.5f }, { 2f, 2.5f }, { 3f, 3.5f } }, aligned);
    }

    [Fact]
    public void Embeddings_that_repeat_an_item_or_miss_one_are_refused()
    {
        var twice = Assert.Throws<RecommenderInputException>(() => ItemSideData.AlignEmbeddings(["10", "10"], [1f, 2f], 1, [10], "'f.csv'"));
        Assert.Contains("'f.csv' lists item \"10\" twice (rows 1 and 2); every item needs exactly one vector", twice.Message);

        var missing = Assert.Throws<RecommenderInputException>(() => ItemSideData.AlignEmbeddings(["10"], [1f], 1, [10, 20], "'f.csv'"));
        Assert.Contains("'f.csv' does not cover the items: 1 of 2 catalogue items have no vector (e.g. 20)", missing.Message);
    }
}
