using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.Errors;

/// <summary>Errors a reader setting would fix say which setting (and value), so a front end can name its own flag; the message itself names no flag.</summary>
public sealed class ReaderSettingTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_text_cell_among_features_suggests_reading_the_column_as_text()
    {
        var path = dir.Write("movies.csv", "id,year,title\n1,1995,Toy Story\n");
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        Assert.Equal((ReaderSetting.TextColumns, "title"), (e.Setting, e.SuggestedValue));
        Assert.Contains("if column 'title' holds text to embed, read it as a text column", e.Message);
        Assert.DoesNotContain("--", e.Message);
    }

    [Fact]
    public void A_missing_column_names_the_setting_that_chose_it()
    {
        var csv = dir.Write("a.csv", "key,text\n1,x\n");
        Assert.Equal(ReaderSetting.IdColumn, Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(csv)).Setting);
        Assert.Equal(ReaderSetting.TextColumns, Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(csv, new() { IdColumn = "key", TextColumns = ["title"] })).Setting);
        var features = dir.Write("f.csv", "id,f0\n1,2\n");
        Assert.Equal(ReaderSetting.FeatureColumns, Assert.Throws<DataFormatException>(() => FeatureReader.Load(features, new() { FeatureColumns = ["f1"] })).Setting);
        var json = dir.Write("f.jsonl", "{\"id\": 1, \"vector\": [1]}\n");
        Assert.Equal(ReaderSetting.FeaturesField, Assert.Throws<DataFormatException>(() => FeatureReader.Load(json)).Setting);
    }
}
