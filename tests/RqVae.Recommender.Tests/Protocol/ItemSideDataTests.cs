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
}
