using System.Text;
using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.IO;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.IO;

/// <summary>A JSON line is refused once it passes the line limit, before it is read whole or parsed.</summary>
public sealed class JsonLinesTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Row 1 is fine, row 2 is <paramref name="length"/> bytes of one huge vector.</summary>
    private string WriteLongSecondLine(string name, int length)
    {
        using var stream = File.Create(dir.File(name));
        stream.Write(Encoding.UTF8.GetBytes("{\"id\": \"a\", \"features\": [1, 2], \"text\": \"x\"}\n{\"id\": \"b\", \"text\": \"x\", \"features\": ["));
        var filler = Encoding.UTF8.GetBytes("0.125, ");
        for (var written = 0; written < length; written += filler.Length) stream.Write(filler);
        stream.Write(Encoding.UTF8.GetBytes("1]}\n"));
        return dir.File(name);
    }

    [Fact]
    public void The_default_limit_is_16_MiB()
    {
        Assert.Equal(16 << 20, new FeatureReaderOptions().MaxJsonLineBytes);
        Assert.Equal(16 << 20, new ItemTextReaderOptions().MaxJsonLineBytes);
    }

    [Fact]
    public void A_feature_line_longer_than_the_limit_is_refused_naming_file_row_and_limit()
    {
        var path = WriteLongSecondLine("long.jsonl", 20 << 20);
        var before = GC.GetAllocatedBytesForCurrentThread(); // this thread only: other tests run in parallel
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("long.jsonl", e.Message);
        Assert.Equal(2, e.Row);
        Assert.Contains("longer than 16 MiB (16,777,216 bytes)", e.Message);
        Assert.Contains("MaxJsonLineBytes", e.Message);
        // The line is cut off at the limit (its growing buffer costs about twice the limit); reading the whole
        // 20 MiB line, decoding and parsing it allocated several times its size.
        Assert.True(allocated < 64L << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void The_limit_can_be_raised_and_lowered()
    {
        var path = WriteLongSecondLine("mid.jsonl", 2000);
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path, new() { MaxJsonLineBytes = 1024 }));
        Assert.Contains("longer than 1,024 bytes", e.Message);
        Assert.Equal(2, e.Row);
        Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(path, new() { MaxJsonLineBytes = 1024 }));
        // Within the default limit the same line reads (and fails only on its vector length, which differs from row 1).
        var ok = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        Assert.Contains("earlier rows have 2", ok.Message);
    }

    [Fact]
    public void A_line_exactly_at_the_limit_is_read()
    {
        var line = "{\"id\": \"a\", \"features\": [1, 2]}";
        var path = dir.Write("exact.jsonl", line + "\r\n");
        Assert.Equal(["a"], FeatureReader.Load(path, new() { MaxJsonLineBytes = line.Length }).Ids);
        Assert.Throws<DataFormatException>(() => FeatureReader.Load(path, new() { MaxJsonLineBytes = line.Length - 1 }));
    }

    [Fact]
    public void Id_tables_are_bounded_too()
    {
        var path = dir.File("ids.jsonl");
        File.WriteAllText(path, "{\"item_id\": \"a\", \"c0\": 1, \"pad\": \"" + new string('x', JsonLines.DefaultMaxLineBytes) + "\"}\n");
        var e = Assert.Throws<DataFormatException>(() => SemanticIdTableReader.Read(path));
        Assert.Equal(1, e.Row);
        Assert.Contains("longer than 16 MiB", e.Message);
    }
}
