using RqVae.Cli.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Input;

/// <summary>When a reader setting would fix a bad input, the error names the exact flag (and the column when known).</summary>
public sealed class ReaderSettingFlagsTests
{
    [Fact]
    public void Train_on_texts_without_text_column_suggests_it_naming_the_column()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("movies.csv", "id,title\n1,Toy Story\n2,Heat\n");
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("'Toy Story' is not a number", result.Error);
        Assert.Contains("movies.csv", result.Error);
        Assert.Contains("row 1, column 'title'", result.Error);
        Assert.Contains("add --text-column title", result.Error);
    }

    [Fact]
    public void A_number_with_a_comma_is_not_taken_for_text()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("commas.tsv", "id\tf0\n1\t1,5\n");
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("'1,5' is not a number", result.Error);
        Assert.DoesNotContain("--text-column", result.Error);
    }

    [Fact]
    public void Embed_with_a_missing_text_column_names_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("texts.csv", "id,name\n1,Toy Story\n");
        var result = Tool.Run(["embed", texts, "-o", dir.File("v.npy")]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("column 'text' is missing; the header has: id, name", result.Error);
        Assert.Contains("pass --text-column NAME", result.Error);
        Assert.DoesNotContain("reader options", result.Error);
    }

    [Fact]
    public void Embed_with_a_missing_id_column_names_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("texts.jsonl", "{\"key\": 1, \"text\": \"Heat\"}\n");
        var result = Tool.Run(["embed", texts, "-o", dir.File("v.npy")]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("field 'id' is missing", result.Error);
        Assert.Contains("pass --id-column NAME", result.Error);
    }

    [Fact]
    public void Train_with_a_missing_features_field_names_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.jsonl", "{\"id\": 1, \"vector\": [1, 2]}\n");
        var result = Tool.Run(["train", items, "-o", dir.File("model"), .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("field 'features' is missing", result.Error);
        Assert.Contains("pass --features-field NAME", result.Error);
    }

    [Fact]
    public void Train_with_a_missing_feature_column_names_the_flag()
    {
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", "id,f0\n1,2\n");
        var result = Tool.Run(["train", items, "-o", dir.File("model"), "--feature-columns", "f0,f1", .. SyntheticItems.TinyModel]);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("column 'f1' is missing", result.Error);
        Assert.Contains("pass --feature-columns NAME", result.Error);
    }
}
