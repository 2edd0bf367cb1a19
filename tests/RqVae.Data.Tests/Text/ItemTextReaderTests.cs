using RqVae.Data.Errors;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.Text;

public sealed class ItemTextReaderTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    [Fact]
    public void Csv_joins_several_columns_and_skips_empty_ones()
    {
        var path = dir.Write("t.csv", "id,title,body\n1,Heat,\"Cops, robbers\"\n2,,Only body\n");
        var items = ItemTextReader.ReadAll(path, new() { TextColumns = ["title", "body"] });
        Assert.Equal([new ItemText("1", "Heat. Cops, robbers"), new ItemText("2", "Only body")], items);
    }

    [Fact]
    public void Jsonl_and_parquet_texts()
    {
        var jsonl = dir.Write("t.jsonl", "{\"id\": 1, \"text\": \"Amélie\"}\n");
        Assert.Equal([new ItemText("1", "Amélie")], ItemTextReader.ReadAll(jsonl));
        var parquet = dir.File("t.parquet");
        ParquetFiles.WriteTexts(parquet, ["a", "b"], ["T1", null], ["B1", "B2"]);
        Assert.Equal([new ItemText("a", "T1 - B1"), new ItemText("b", "B2")],
            ItemTextReader.ReadAll(parquet, new() { TextColumns = ["title", "body"], Separator = " - " }));
    }

    [Fact]
    public void Missing_text_column_and_duplicate_ids_are_reported()
    {
        var path = dir.Write("t.tsv", "id\tname\n1\tx\n");
        var e = Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(path));
        Assert.Equal((path, "text"), (e.FilePath, e.Column));
        var dup = dir.Write("d.csv", "id,text\n1,a\n1,b\n");
        var d = Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(dup));
        Assert.Equal((dup, 2L, "id"), (d.FilePath, d.Row, d.Column));
    }
}
