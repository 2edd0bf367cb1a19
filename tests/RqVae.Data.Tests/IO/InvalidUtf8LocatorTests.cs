using System.Text;
using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.IO;

/// <summary>Invalid UTF-8 is reported at the data row (1-based, header not counted) and column that hold it, not where the decoder's buffer began.</summary>
public sealed class InvalidUtf8LocatorTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Bytes(params object[] parts)
        => [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p)];

    [Fact]
    public void Bad_bytes_in_the_first_data_row_are_row_1_with_the_column()
    {
        var path = dir.Write("latin1.csv", Bytes("id,title,f0\n", "a,Caf", new byte[] { 0xE9 }, ",1\nb,ok,2\n"));
        var e = Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(path, new() { TextColumns = ["title"] }));
        Assert.Equal(1, e.Row);
        Assert.Equal("title", e.Column);
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("row 1, column 'title'", e.Message);
    }

    [Fact]
    public void Bad_bytes_far_into_a_file_are_reported_at_their_row()
    {
        var text = new StringBuilder("id,f0,f1\n");
        for (var r = 1; r < 5000; r++) text.Append("item").Append(r).Append(",1,2\n");
        var path = dir.Write("late.csv", Bytes(text.ToString(), "bad,1,", new byte[] { 0xC3, 0x28 }, "\nz,1,2\n"));
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        Assert.Equal(5000, e.Row);
        Assert.Equal("f1", e.Column);
    }

    [Fact]
    public void Bad_bytes_in_the_header_are_row_0()
    {
        var path = dir.Write("header.tsv", Bytes("id\tf", new byte[] { 0xFF }, "\na\t1\n"));
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(path));
        Assert.Equal(0, e.Row);
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public void Quoted_cells_with_separators_do_not_shift_the_column()
    {
        var path = dir.Write("quoted.csv", Bytes("item_id,c0,c1\n\"a,b\",1,2\n\"c\",3,", new byte[] { 0x80 }, "\n"));
        var e = Assert.Throws<DataFormatException>(() => SemanticIdTableReader.Read(path));
        Assert.Equal(2, e.Row);
        Assert.Equal("c1", e.Column);
    }

    [Fact]
    public void Npy_ids_files_name_the_line()
    {
        var npy = dir.Write("a.npy", RqVae.Data.Tests.Support.NpyFiles.Build("<f4", "(5000, 1)", RqVae.Data.Tests.Support.NpyFiles.Float32(new float[5000])));
        var ids = new StringBuilder();
        for (var r = 1; r < 4000; r++) ids.Append("item").Append(r).Append('\n');
        var path = dir.Write("a.ids.txt", Bytes(ids.ToString(), "caf", new byte[] { 0xE9 }, "\n", string.Concat(Enumerable.Repeat("x\n", 1000))));
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.Load(npy, new() { IdsPath = path }));
        Assert.Equal(4000, e.Row);
    }

    [Fact]
    public void Json_lines_name_the_line_and_the_byte()
    {
        var path = dir.Write("bad.jsonl", Bytes("{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \"", new byte[] { 0xE9 }, "\"}\n"));
        var e = Assert.Throws<DataFormatException>(() => ItemTextReader.ReadAll(path));
        Assert.Equal(2, e.Row);
        Assert.Equal("byte 22", e.Column);
    }
}
