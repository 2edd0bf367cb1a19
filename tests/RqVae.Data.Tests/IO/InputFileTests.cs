using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

namespace RqVae.Data.Tests.IO;

/// <summary>Every reader checks its input before opening it: a directory is refused as a directory, not as a missing file.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Extensions => ["csv", "tsv", "jsonl", "parquet", "npy"];

    public static TheoryData<string> TableExtensions => ["csv", "tsv", "jsonl", "parquet"];

    [Theory]
    [MemberData(nameof(Extensions))]
    public void A_directory_is_not_a_feature_file(string extension)
    {
        var path = Directory.CreateDirectory(dir.File("items." + extension)).FullName;
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        Assert.Contains("is a directory", e.Message);
        Assert.Contains("a file is expected", e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain("does not exist", e.Message);
    }

    [Theory]
    [MemberData(nameof(TableExtensions))]
    public void A_directory_is_not_a_text_file(string extension)
    {
        var path = Directory.CreateDirectory(dir.File("texts." + extension)).FullName;
        var e = Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(path));
        Assert.Contains("is a directory", e.Message);
        Assert.Contains("a file is expected", e.Message);
    }

    [Fact]
    public void A_directory_as_the_npy_ids_file_is_refused()
    {
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(1, 1)", NpyFiles.Float32(1)));
        var ids = Directory.CreateDirectory(dir.File("ids.txt")).FullName;
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(npy, new() { IdsPath = ids }));
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public void A_missing_file_still_says_it_does_not_exist()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FeatureReader.Load(dir.File("nothing.csv")));
        Assert.Contains("does not exist", e.Message);
    }
}
