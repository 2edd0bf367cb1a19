using RqVae.Data.Errors;
using RqVae.Data.IdTables;
using RqVae.Data.Tests.Support;

using RqVae.SemanticIds;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.IdTables;

public sealed class SemanticIdTableTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("t.csv")]
    [InlineData("t.tsv")]
    [InlineData("t.parquet")]
    [InlineData("t.jsonl")]
    public void Streamed_batches_round_trip_with_model_hash(string name)
    {
        var path = dir.File(name);
        using (var writer = new SemanticIdTableWriter(path, 3, new() { ModelHash = "sha256:abc", ParquetRowGroupSize = 2 }))
        {
            writer.WriteBatch(["a", "b,\"quoted\""], [1, 2, 3, 4, 5, 6]);
            writer.WriteBatch(["ü-ñ"], [7, 8, 255]);
            Assert.False(File.Exists(path));
            writer.Complete();
        }
        var table = SemanticIdTableReader.Read(path);
        Assert.Equal(["a", "b,\"quoted\"", "ü-ñ"], table.ItemIds);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 255], table.Codes.ToArray());
        Assert.Equal(3, table.Levels);
        Assert.Equal("sha256:abc", table.ModelHash);
    }

    [Fact]
    public void Csv_layout_is_item_id_then_c0_to_cL()
    {
        var path = dir.File("t.csv");
        SemanticIdTableWriter.Write(path, new SemanticIdTable(["x"], [12, 24], 2));
        Assert.Equal("item_id,c0,c1\nx,12,24\n", File.ReadAllText(path).Replace("\r\n", "\n"));
    }

    [Fact]
    public void Hand_written_jsonl_table_is_read()
    {
        var path = dir.Write("t.jsonl", "{\"item_id\":\"m1\",\"c0\":3,\"c1\":0}\n{\"item_id\":2,\"c0\":1,\"c1\":9}\n");
        var table = SemanticIdTableReader.Read(path);
        Assert.Equal(["m1", "2"], table.ItemIds);
        Assert.Equal([3, 0, 1, 9], table.Codes.ToArray());
    }

    [Fact]
    public void Negative_code_in_csv_names_row_and_column()
    {
        var path = dir.Write("t.csv", "item_id,c0,c1\na,1,2\nb,3,-4\n");
        var e = Assert.Throws<DataFormatException>(() => SemanticIdTableReader.Read(path));
        Assert.Equal((path, 2L, "c1"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Wrong_header_is_reported()
    {
        var path = dir.Write("t.csv", "item_id,c0,c2\na,1,2\n");
        var e = Assert.Throws<DataFormatException>(() => SemanticIdTableReader.Read(path));
        Assert.Equal((path, "c2"), (e.FilePath, e.Column));
    }

    [Fact]
    public void Duplicate_item_ids_name_both_rows()
    {
        var path = dir.Write("t.csv", "item_id,c0\na,1\na,2\n");
        var e = Assert.Throws<DataFormatException>(() => SemanticIdTableReader.Read(path));
        Assert.Equal((path, 2L, "item_id"), (e.FilePath, e.Row, e.Column));
        Assert.Contains("rows 1 and 2", e.Message);
    }

    [Fact]
    public void Writer_rejects_mismatched_sizes_and_negative_codes()
    {
        using var writer = new SemanticIdTableWriter(dir.File("t.csv"), 2);
        Assert.Throws<ArgumentException>(() => writer.WriteBatch(["a"], [1, 2, 3]));
        Assert.Throws<ArgumentException>(() => writer.WriteBatch(["a"], [1, -2]));
    }

    [Fact]
    public void Large_table_streams_through_many_row_groups()
    {
        var path = dir.File("big.parquet");
        const int n = 20_000;
        using (var writer = new SemanticIdTableWriter(path, 4, new() { ParquetRowGroupSize = 3000 }))
        {
            for (var start = 0; start < n; start += 1000)
            {
                var ids = Enumerable.Range(start, 1000).Select(i => "item" + i).ToArray();
                var codes = Enumerable.Range(start * 4, 4000).Select(i => i % 256).ToArray();
                writer.WriteBatch(ids, codes);
            }
            writer.Complete();
        }
        var batches = SemanticIdTableReader.ReadBatches(path, batchSize: 7000).ToList();
        Assert.Equal([7000, 7000, 6000], batches.Select(b => b.Count));
        Assert.Equal("item19999", batches[^1].ItemIds![^1]);
        Assert.Equal((19999 * 4 + 3) % 256, batches[^1].Codes[^1]);
    }
}
