using RqVae.Data.Errors;
using RqVae.Data.Features;
using RqVae.Data.Npy;
using RqVae.Data.Tests.Support;
using RqVae.TestSupport;

namespace RqVae.Data.Tests.Features;

/// <summary>
/// Streaming reads keep memory flat: ids are checked for repeats on disk (reported after the last row, with the
/// same rows the in-memory check names), a .npy's ids file is read a line at a time, and reused batch buffers
/// still carry each batch's own rows.
/// </summary>
public sealed class StreamingIdCheckTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private static readonly FeatureReaderOptions OnDisk = new() { BatchSize = 2, CheckIdsOnDisk = true };

    [Fact]
    public void A_repeat_checked_on_disk_is_reported_after_the_last_batch_naming_the_same_rows_as_in_memory()
    {
        // Rows 1..6: 'b' at rows 2 and 5, 'c' at rows 3 and 6; the in-memory check stops at row 5.
        var path = dir.Write("items.csv", "id,f0\na,1\nb,2\nc,3\nd,4\nb,5\nc,6\n");
        var inMemory = Assert.Throws<DataFormatException>(() => FeatureReader.ReadBatches(path, OnDisk with { CheckIdsOnDisk = false }).ToList());
        Assert.Contains("id 'b' appears twice, in rows 2 and 5", inMemory.Message);

        var batches = 0;
        var onDisk = Assert.Throws<DataFormatException>(() =>
        {
            foreach (var _ in FeatureReader.ReadBatches(path, OnDisk)) batches++;
        });
        Assert.Contains("id 'b' appears twice, in rows 2 and 5", onDisk.Message);
        Assert.Equal(3, batches); // every full batch came through; the check runs once the file is read
    }

    [Fact]
    public void Unique_ids_checked_on_disk_come_through_in_order_and_a_late_repeat_is_found()
    {
        var ids = Enumerable.Range(0, 5000).Select(i => $"item{i}").ToArray();
        var path = dir.Write("items.csv", "id,f0\n" + string.Concat(ids.Select((id, i) => $"{id},{i}\n")));
        var rows = FeatureReader.ReadBatches(path, OnDisk with { BatchSize = 64 }).SelectMany(b => b.Features.Ids.Zip(b.Features.Values)).ToList();
        Assert.Equal(ids, rows.Select(r => r.First));
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => (float)i), rows.Select(r => r.Second));

        // The 5,000th id repeats the first: only the whole file shows it.
        File.AppendAllText(path, "item0,5000\n");
        var e = Assert.Throws<DataFormatException>(() => FeatureReader.ReadBatches(path, OnDisk with { BatchSize = 64 }).Count());
        Assert.Contains("id 'item0' appears twice, in rows 1 and 5001", e.Message);
    }

    [Fact]
    public void Reused_batch_buffers_hold_each_batch_in_turn_and_the_short_last_batch_gets_its_own()
    {
        var path = dir.Write("items.csv", "id,f0,f1\na,1,2\nb,3,4\nc,5,6\nd,7,8\ne,9,10\n");
        var seen = new List<(string[] Ids, float[] Values, string[] IdsArray)>();
        foreach (var batch in FeatureReader.ReadBatches(path, OnDisk with { ReuseBatchBuffers = true }))
            seen.Add(([.. batch.Features.Ids], [.. batch.Features.Values], batch.Features.Ids));
        Assert.Equal([["a", "b"], ["c", "d"], ["e"]], seen.Select(s => s.Ids));
        Assert.Equal([[1f, 2, 3, 4], [5f, 6, 7, 8], [9f, 10]], seen.Select(s => s.Values));
        Assert.Same(seen[0].IdsArray, seen[1].IdsArray);
        Assert.NotSame(seen[1].IdsArray, seen[2].IdsArray);
    }

    [Fact]
    public void A_npy_ids_file_is_read_alongside_and_a_wrong_count_is_still_refused()
    {
        var npy = dir.Write("x.npy", NpyFiles.Build("<f4", "(3, 1)", NpyFiles.Float32(1, 2, 3)));
        var ids = dir.Write("x.ids.txt", "p\nq\nr\n\n");
        Assert.Equal(["p", "q", "r"], FeatureReader.Load(npy, new FeatureReaderOptions { IdsPath = ids }).Ids);

        File.WriteAllText(ids, "p\nq\n");
        Assert.Contains("the ids file has 2 ids but the array has 3 rows",
            Assert.Throws<DataFormatException>(() => FeatureReader.Load(npy, new FeatureReaderOptions { IdsPath = ids })).Message);
        File.WriteAllText(ids, "p\nq\nr\ns\n");
        Assert.Contains("the ids file has more than 3 ids but the array has 3 rows",
            Assert.Throws<DataFormatException>(() => FeatureReader.Load(npy, new FeatureReaderOptions { IdsPath = ids })).Message);
        File.WriteAllText(ids, "p\np\nr\n");
        Assert.Contains("id 'p' appears twice, in rows 1 and 2",
            Assert.Throws<DataFormatException>(() => FeatureReader.ReadBatches(npy, OnDisk with { IdsPath = ids }).Count()).Message);
    }
}
