using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.Npy;
using RqVae.Data.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Data.Tests.Features;

public sealed class FeatureReaderTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static DataFormatException Bad(string path, FeatureReaderOptions? options = null)
        => Assert.Throws<DataFormatException>(() => FeatureReader.Load(path, options));

    // ---------- good inputs, checked against hand-written values ----------

    [Fact]
    public void Npy_float32_and_float64_read_with_row_number_ids()
    {
        var f4 = dir.Write("a.npy", NpyFiles.Build("<f4", "(2, 3)", NpyFiles.Float32(1, 2, 3, 4, 5, 6.5f)));
        var m = FeatureReader.Load(f4);
        Assert.Equal(["0", "1"], m.Ids);
        Assert.Equal([1f, 2, 3, 4, 5, 6.5f], m.Values);
        Assert.Equal(3, m.Dimension);
        var f8 = dir.Write("b.npy", NpyFiles.Build("<f8", "(1, 2)", NpyFiles.Float64(0.25, -1)));
        Assert.Equal([0.25f, -1f], FeatureReader.Load(f8).Values);
    }

    [Fact]
    public void Npy_with_ids_file_uses_those_ids()
    {
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(2, 1)", NpyFiles.Float32(1, 2)));
        var ids = dir.Write("ids.txt", "apple\nbanana\n");
        Assert.Equal(["apple", "banana"], FeatureReader.Load(npy, new() { IdsPath = ids }).Ids);
    }

    [Fact]
    public void Npy_streaming_yields_bounded_batches_in_order()
    {
        var values = Enumerable.Range(0, 10 * 4).Select(i => (float)i).ToArray();
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(10, 4)", NpyFiles.Float32(values)));
        var batches = FeatureReader.ReadBatches(npy, new() { BatchSize = 3 }).ToList();
        Assert.Equal([3, 3, 3, 1], batches.Select(b => b.Features.Rows));
        Assert.Equal([0L, 3, 6, 9], batches.Select(b => b.FirstRow));
        Assert.Equal(values, batches.SelectMany(b => b.Features.Values));
    }

    [Fact]
    public void Loading_an_npy_file_allocates_its_matrix_once_plus_a_batch()
    {
        // 20,000 × 64 float32 = 5.12 MB, read in batches of 512 rows (131 kB); the ids are about 1 MB. Growing one list
        // of floats and copying it out allocated six times the matrix; the header's shape lets the values go straight
        // into the result.
        const int rows = 20_000, dimension = 64;
        var values = new float[rows * dimension];
        for (var i = 0; i < values.Length; i++) values[i] = i % 1000 * 0.5f;
        var npy = Path.Combine(dir.Path, "big.npy");
        NpyFeatureWriter.Write(npy, values, dimension);
        var options = new FeatureReaderOptions { BatchSize = 512 };
        FeatureReader.Load(npy, options); // JIT and first-use allocations out of the measurement
        var before = GC.GetAllocatedBytesForCurrentThread();
        var m = FeatureReader.Load(npy, options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(values, m.Values);
        Assert.Equal("19999", m.Ids[^1]);
        var matrixBytes = (long)values.Length * sizeof(float);
        Assert.True(allocated < matrixBytes * 3 / 2, $"allocated {allocated:N0} bytes for a {matrixBytes:N0}-byte matrix");
    }

    [Fact]
    public void Loading_a_text_format_joins_its_batches_in_order()
    {
        var lines = Enumerable.Range(0, 10).Select(i => $"r{i},{i},{-i}");
        var csv = dir.Write("rows.csv", "id,a,b\n" + string.Join('\n', lines) + "\n");
        var m = FeatureReader.Load(csv, new() { BatchSize = 3 });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), m.Ids);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => new[] { (float)i, -i }), m.Values);
    }

    [Fact]
    public void Csv_with_all_numeric_columns_and_tsv_with_named_columns()
    {
        var csv = dir.Write("a.csv", "id,x,y\nm1,1.5,2\n\"m,2\",-3e2,0\n");
        var m = FeatureReader.Load(csv);
        Assert.Equal(["m1", "m,2"], m.Ids);
        Assert.Equal([1.5f, 2, -300, 0], m.Values);
        var tsv = dir.Write("a.tsv", "y\tname\tx\tz\n1\ta\t2\t9\n3\tb\t4\t9\n");
        var t = FeatureReader.Load(tsv, new() { IdColumn = "name", FeatureColumns = ["x", "y"] });
        Assert.Equal([2f, 1, 4, 3], t.Values);
    }

    [Fact]
    public void Jsonl_with_custom_field_names()
    {
        var path = dir.Write("a.jsonl", "{\"item\": 7, \"vec\": [1, 2.5]}\n\n{\"item\": \"x\", \"vec\": [3, 4]}\n");
        var m = FeatureReader.Load(path, new() { IdColumn = "item", FeaturesField = "vec" });
        Assert.Equal(["7", "x"], m.Ids);
        Assert.Equal([1f, 2.5f, 3, 4], m.Values);
    }

    [Fact]
    public void Parquet_list_column_and_numeric_columns()
    {
        var list = dir.File("a.parquet");
        ParquetFiles.WriteListFeatures(list, ["a", "b"], [[1, 2, 3], [4, 5, 6]]);
        var m = FeatureReader.Load(list);
        Assert.Equal(["a", "b"], m.Ids);
        Assert.Equal([1f, 2, 3, 4, 5, 6], m.Values);

        var cols = dir.File("b.parquet");
        ParquetFiles.WriteColumnFeatures(cols, [10, 20], ("f0", [1, 2]), ("f1", [3, 4]));
        var c = FeatureReader.Load(cols);
        Assert.Equal(["10", "20"], c.Ids);
        Assert.Equal([1f, 3, 2, 4], c.Values);
    }

    [Fact]
    public void Npy_writer_output_matches_hand_made_bytes_and_reads_back()
    {
        var path = dir.File("w.npy");
        using (var writer = new NpyFeatureWriter(path, 2))
        {
            writer.WriteRows([1f, 2f]);
            writer.WriteRows([3f, 4f, 5f, 6f]);
            Assert.False(File.Exists(path)); // atomic: nothing under the name before Complete
            writer.Complete();
        }
        // Every byte: magic, version 1.0, header length 118, the header dict padded to 128 bytes, then the rows.
        var expected = NpyFiles.Build("<f4", "(3, 2)", NpyFiles.Float32(1, 2, 3, 4, 5, 6));
        Assert.Equal(128 + 6 * 4, expected.Length);
        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.Equal([1f, 2, 3, 4, 5, 6], FeatureReader.Load(path).Values);
    }

    [Fact]
    public void Abandoned_npy_writer_leaves_no_file()
    {
        var path = dir.File("x.npy");
        using (var writer = new NpyFeatureWriter(path, 2)) writer.WriteRows([1f, 2f]);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    // ---------- bad inputs: exception type AND file/row/column ----------

    [Fact]
    public void Ragged_csv_row()
    {
        var path = dir.Write("a.csv", "id,x,y\na,1,2\nb,3\n");
        var e = Bad(path);
        Assert.Equal((path, 2L, "y"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Non_numeric_csv_cell()
    {
        var path = dir.Write("a.csv", "id,x,y\na,1,2\nb,3,abc\n");
        var e = Bad(path);
        Assert.Equal((path, 2L, "y"), (e.FilePath, e.Row, e.Column));
        Assert.Contains("'abc' is not a number", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e39")]
    public void Non_finite_csv_value(string value)
    {
        var path = dir.Write("a.csv", $"id,x,y\na,1,2\nb,3,4\nc,{value},5\n");
        var e = Bad(path);
        Assert.Equal((path, 3L, "x"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Nan_in_npy_names_row_and_column()
    {
        var path = dir.Write("a.npy", NpyFiles.Build("<f4", "(2, 3)", NpyFiles.Float32(1, 2, 3, 4, float.NaN, 6)));
        var e = Bad(path);
        Assert.Equal((path, 2L, "2"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Infinity_in_parquet_list_names_row_and_element()
    {
        var path = dir.File("a.parquet");
        ParquetFiles.WriteListFeatures(path, ["a", "b"], [[1, 2], [float.PositiveInfinity, 3]]);
        var e = Bad(path);
        Assert.Equal((path, 2L, "features[0]"), (e.FilePath, e.Row, e.Column));
    }

    [Theory]
    [InlineData("a.csv")]
    [InlineData("a.jsonl")]
    [InlineData("a.npy")]
    [InlineData("a.parquet")]
    public void Empty_file(string name)
    {
        var path = dir.Write(name, "");
        var e = Bad(path);
        Assert.Equal(path, e.FilePath);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Missing_id_column_names_it()
    {
        var path = dir.Write("a.csv", "key,x\na,1\n");
        var e = Bad(path);
        Assert.Equal((path, (long?)null, "id"), (e.FilePath, e.Row, e.Column));
        Assert.Contains("key", e.Message); // lists the columns that do exist
    }

    [Fact]
    public void Missing_feature_column_in_parquet()
    {
        var path = dir.File("a.parquet");
        ParquetFiles.WriteColumnFeatures(path, [1], ("f0", [1]));
        var e = Bad(path, new() { FeatureColumns = ["f0", "f9"] });
        Assert.Equal((path, "f9"), (e.FilePath, e.Column));
    }

    [Fact]
    public void Null_value_in_parquet_numeric_column()
    {
        var path = dir.File("a.parquet");
        ParquetFiles.WriteColumnFeatures(path, [1, 2], ("f0", [1, 2]), ("f1", [3, null]));
        var e = Bad(path);
        Assert.Equal((path, 2L, "f1"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Truncated_npy_names_first_incomplete_row()
    {
        var full = NpyFiles.Build("<f4", "(3, 2)", NpyFiles.Float32(1, 2, 3, 4, 5, 6));
        var path = dir.Write("a.npy", full[..^6]); // row 3 cut short
        var e = Bad(path);
        Assert.Equal((path, 3L), (e.FilePath, e.Row));
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("<i8", "(2, 1)", "dtype '<i8'")]
    [InlineData("<f4", "(2,)", "expected 2-D")]
    [InlineData("<f4", "(1, 2, 1)", "expected 2-D")]
    public void Wrong_npy_dtype_or_shape(string descr, string shape, string expected)
    {
        var path = dir.Write("a.npy", NpyFiles.Build(descr, shape, new byte[16]));
        var e = Bad(path);
        Assert.Equal(path, e.FilePath);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Fortran_order_npy_is_rejected_with_a_fix()
    {
        var path = dir.Write("a.npy", NpyFiles.Build("<f4", "(1, 2)", NpyFiles.Float32(1, 2), fortran: true));
        Assert.Contains("ascontiguousarray", Bad(path).Message);
    }

    [Fact]
    public void Npy_header_claiming_a_huge_array_fails_fast_without_allocating()
    {
        var path = dir.Write("a.npy", NpyFiles.Build("<f4", "(4000000000000, 1000000)", NpyFiles.Float32(1, 2)));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Bad(path);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 10_000_000);
        Assert.Equal(path, e.FilePath);
        Assert.Contains("4000000000000 rows", e.Message);
    }

    [Fact]
    public void Npy_header_length_beyond_the_file()
    {
        var bytes = NpyFiles.Build("<f4", "(1, 1)", NpyFiles.Float32(1));
        bytes[8] = 0xFF; bytes[9] = 0xFF; // header length 65535 in a ~70-byte file
        var path = dir.Write("a.npy", bytes);
        Assert.Contains("header claims 65535 bytes", Bad(path).Message);
    }

    [Fact]
    public void Invalid_utf8_in_csv_names_the_row()
    {
        var bytes = "id,x\na,1\n"u8.ToArray().Concat(new byte[] { 0xC3, 0x28, (byte)',', (byte)'2', (byte)'\n' }).ToArray();
        var path = dir.Write("a.csv", bytes);
        var e = Bad(path);
        Assert.Equal(path, e.FilePath);
        Assert.Contains("UTF-8", e.Message);
        Assert.Equal(2, e.Row); // the second data row: the header is row 0
    }

    [Fact]
    public void Invalid_utf8_in_jsonl_names_the_line()
    {
        var bytes = "{\"id\":\"a\",\"features\":[1]}\n{\"id\":\""u8.ToArray().Concat(new byte[] { 0xFF, 0xFE }).Concat("\",\"features\":[1]}\n"u8.ToArray()).ToArray();
        var path = dir.Write("a.jsonl", bytes);
        var e = Bad(path);
        Assert.Equal((path, 2L), (e.FilePath, e.Row));
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void Deeply_nested_json_is_rejected_on_its_line()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        var path = dir.Write("a.jsonl", "{\"id\":\"a\",\"features\":[1]}\n{\"id\":\"b\",\"features\":" + deep + "}\n");
        var e = Bad(path);
        Assert.Equal((path, 2L), (e.FilePath, e.Row));
        Assert.Contains("depth", e.Message);
    }

    [Fact]
    public void Inconsistent_vector_lengths_in_jsonl()
    {
        var path = dir.Write("a.jsonl", "{\"id\":\"a\",\"features\":[1,2]}\n{\"id\":\"b\",\"features\":[1,2,3]}\n");
        var e = Bad(path);
        Assert.Equal((path, 2L), (e.FilePath, e.Row));
        Assert.Contains("has 3 values but earlier rows have 2", e.Message);
    }

    [Fact]
    public void Non_number_element_in_jsonl_vector()
    {
        var path = dir.Write("a.jsonl", "{\"id\":\"a\",\"features\":[1,\"x\"]}\n");
        var e = Bad(path);
        Assert.Equal((path, 1L, "features[1]"), (e.FilePath, e.Row, e.Column));
    }

    [Fact]
    public void Duplicate_ids_name_both_rows()
    {
        var path = dir.Write("a.csv", "id,x\na,1\nb,2\na,3\n");
        var e = Bad(path);
        Assert.Equal((path, 3L, "id"), (e.FilePath, e.Row, e.Column ?? "id"));
        Assert.Contains("rows 1 and 3", e.Message);
    }

    [Fact]
    public void Npy_ids_file_with_wrong_count()
    {
        var npy = dir.Write("a.npy", NpyFiles.Build("<f4", "(2, 1)", NpyFiles.Float32(1, 2)));
        var ids = dir.Write("ids.txt", "only-one\n");
        var e = Bad(npy, new() { IdsPath = ids });
        Assert.Equal(ids, e.FilePath);
    }

    [Fact]
    public void Unknown_extension_asks_for_a_format()
    {
        var path = dir.Write("a.bin", "x");
        var e = Bad(path);
        Assert.Contains("Format", e.Message);
        // The refusal names the extension it could not place, the file, and the formats and option that would do.
        Assert.Equal("cannot tell the format from the extension '.bin'", e.Problem);
        Assert.Equal(path, e.FilePath);
        Assert.Equal("Rename the file to .npy, .csv, .tsv, .parquet or .jsonl, or set the Format option explicitly.", e.Remedy);
    }
}
