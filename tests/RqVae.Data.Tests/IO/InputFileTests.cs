using System.Diagnostics;
using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.IO;

/// <summary>Every reader checks its input is a regular file before opening it: a directory or a FIFO is refused with a message saying what it is.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

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

    [Theory]
    [MemberData(nameof(Extensions))]
    public void A_fifo_is_refused_as_features_without_opening_it(string extension)
        => AssertFifoRefused("items." + extension, path => FeatureReader.Load(path));

    [Theory]
    [MemberData(nameof(TableExtensions))]
    public void A_fifo_is_refused_as_texts_without_opening_it(string extension)
        => AssertFifoRefused("texts." + extension, path => ItemTextReader.ReadAll(path));

    [Theory]
    [MemberData(nameof(TableExtensions))]
    public void A_fifo_is_refused_as_an_id_table_without_opening_it(string extension)
        => AssertFifoRefused("ids." + extension, path => SemanticIdTableReader.Read(path));

    [Fact]
    public void A_fifo_is_refused_as_the_npy_ids_file()
    {
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(1, 1)", NpyFiles.Float32(1)));
        AssertFifoRefused("ids.txt", path => FeatureReader.Load(npy, new() { IdsPath = path }));
    }

    [Fact]
    public void A_character_device_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load("/dev/null", new() { Format = RqVae.Data.IO.DataFileFormat.Csv }));
        Assert.Contains("is a character device, not a regular file", e.Message);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a fresh FIFO on a worker thread. A reader that opens the FIFO blocks until
    /// a writer appears, so after the timeout the test opens the write end itself to free the worker, then fails.
    /// </summary>
    private void AssertFifoRefused(string name, Action<string> read)
    {
        if (!OperatingSystem.IsLinux()) return; // the check reads the file type with statx(2)
        var path = dir.File(name);
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var attempt = Task.Run(() => read(path));
        if (Task.WaitAny([attempt], TimeSpan.FromSeconds(10)) < 0)
        {
            using (new FileStream(path, FileMode.Open, FileAccess.Write)) { }
            Assert.Fail($"reading the FIFO {path} blocked instead of being refused");
        }
        var e = Assert.IsType<DataFormatException>(attempt.Exception?.InnerException);
        Assert.Contains("is a named pipe (FIFO), not a regular file", e.Message);
        Assert.Contains(path, e.Message);
    }
}
