using System.Text;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.Npy;
using RqVae.Data.Tests.Support;
using RqVae.Data.Text;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.IO;

/// <summary>Editors on Windows (Excel, Notepad) save UTF-8 with a byte-order mark; every text reader must read through it.</summary>
public sealed class ByteOrderMarkTests : IDisposable
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private readonly TemporaryDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string WriteWithBom(string name, string text) => dir.Write(name, [.. Bom, .. Encoding.UTF8.GetBytes(text)]);

    [Theory]
    [InlineData("bom.csv", "id,f0,f1\na,1,2\nb,3,4\n")]
    [InlineData("bom.tsv", "id\tf0\tf1\na\t1\t2\nb\t3\t4\n")]
    [InlineData("bom.jsonl", "{\"id\": \"a\", \"features\": [1, 2]}\n{\"id\": \"b\", \"features\": [3, 4]}\n")]
    public void Feature_files_with_a_bom_are_read(string name, string text)
    {
        var matrix = FeatureReader.Load(WriteWithBom(name, text));
        Assert.Equal(["a", "b"], matrix.Ids);
        Assert.Equal([1f, 2, 3, 4], matrix.Values);
    }

    [Theory]
    [InlineData("texts.csv", "id,text\na,hello\nb,world\n")]
    [InlineData("texts.tsv", "id\ttext\na\thello\nb\tworld\n")]
    [InlineData("texts.jsonl", "{\"id\": \"a\", \"text\": \"hello\"}\n{\"id\": \"b\", \"text\": \"world\"}\n")]
    public void Text_files_with_a_bom_are_read(string name, string text)
    {
        var items = ItemTextReader.ReadAll(WriteWithBom(name, text));
        Assert.Equal([new ItemText("a", "hello"), new ItemText("b", "world")], items);
    }

    [Theory]
    [InlineData("ids.csv", "item_id,c0,c1\na,1,2\nb,3,0\n")]
    [InlineData("ids.jsonl", "{\"item_id\": \"a\", \"c0\": 1, \"c1\": 2}\n{\"item_id\": \"b\", \"c0\": 3, \"c1\": 0}\n")]
    public void Id_tables_with_a_bom_are_read(string name, string text)
    {
        var table = SemanticIdTableReader.Read(WriteWithBom(name, text));
        Assert.Equal(["a", "b"], table.ItemIds);
        Assert.Equal([1, 2, 3, 0], table.Codes);
    }

    [Fact]
    public void Npy_ids_file_with_a_bom_is_read()
    {
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(2, 1)", NpyFiles.Float32(1, 2)));
        var ids = WriteWithBom("a.ids.txt", "apple\nbanana\n");
        Assert.Equal(["apple", "banana"], FeatureReader.Load(npy, new() { IdsPath = ids }).Ids);
    }
}
