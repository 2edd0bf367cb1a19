using RqVae.TestSupport;
using RqVae.Text;
using RqVae.Text.Tests.Support;

namespace RqVae.Text.Tests;

/// <summary>Cache behaviour with a fake model: which texts reach the model, and what comes back from disk.</summary>
public sealed class CachedEmbedderTests : IDisposable
{
    private static readonly string[] Texts = ["Heat (1995)", "Up (2009)", "Amélie (2001)", "Se7en (1995)", ""];
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private string[] CacheFiles() => Directory.GetFiles(directory.Path, "*.rqemb");

    [Fact]
    public void Second_run_is_served_from_disk_without_calling_the_model()
    {
        var first = new CountingEmbedder();
        var expected = new CachedEmbedder(first, new EmbeddingCache(directory.Path)).Embed(Texts);
        Assert.Equal(Texts, first.EmbeddedTexts);

        // A new cache object reads the files, as a new process would.
        var second = new CountingEmbedder();
        var actual = new CachedEmbedder(second, new EmbeddingCache(directory.Path)).Embed(Texts);

        Assert.Equal(0, second.Calls);
        Assert.Equal(expected, actual);
        Assert.Equal(new CountingEmbedder().Embed(Texts), actual); // and the values are the model's
    }

    [Fact]
    public void Only_misses_reach_the_model_and_duplicates_once()
    {
        var cache = new EmbeddingCache(directory.Path);
        new CachedEmbedder(new CountingEmbedder(), cache).Embed(Texts[..2]);

        var model = new CountingEmbedder();
        string[] request = ["Up (2009)", "Se7en (1995)", "Heat (1995)", "Se7en (1995)", "Amélie (2001)"];
        var vectors = new CachedEmbedder(model, cache).Embed(request);

        Assert.Equal(["Se7en (1995)", "Amélie (2001)"], model.EmbeddedTexts);
        Assert.Equal(new CountingEmbedder().Embed(request), vectors);
    }

    [Fact]
    public void Another_model_id_does_not_hit()
    {
        var cache = new EmbeddingCache(directory.Path);
        new CachedEmbedder(new CountingEmbedder(modelId: "model-a"), cache).Embed(Texts);

        var other = new CountingEmbedder(modelId: "model-b");
        new CachedEmbedder(other, cache).Embed(Texts);
        Assert.Equal(Texts, other.EmbeddedTexts);
    }

    [Fact]
    public void Misses_are_written_in_chunks_with_the_documented_length()
    {
        new CachedEmbedder(new CountingEmbedder(dimension: 8), new EmbeddingCache(directory.Path), missesPerFile: 2).Embed(Texts);

        var lengths = CacheFiles().Select(f => new FileInfo(f).Length).Order().ToArray();
        // 52-byte header + 32-byte key and 8 float32 per entry + 32-byte checksum: chunks of 2, 2, 1.
        Assert.Equal([52 + 64 + 32, 52 + 2 * 64 + 32, 52 + 2 * 64 + 32], lengths);
        Assert.All(CacheFiles(), f => Assert.Equal("RQVEMB01"u8.ToArray(), File.ReadAllBytes(f)[..8]));
    }

    [Theory]
    [InlineData("flip a payload bit")]
    [InlineData("truncate")]
    [InlineData("extend")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void DamagedFile_IsDetectedDeletedAndRecomputed(string damage)
    {
        new CachedEmbedder(new CountingEmbedder(), new EmbeddingCache(directory.Path)).Embed(Texts);
        var file = Assert.Single(CacheFiles());
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, damage switch
        {
            "flip a payload bit" => Flip(bytes, bytes.Length - 40),
            "truncate" => bytes[..^7],
            "extend" => [.. bytes, 0],
            "garbage" => Enumerable.Range(0, bytes.Length).Select(i => (byte)(i * 31)).ToArray(),
            _ => [],
        });

        var cache = new EmbeddingCache(directory.Path);
        var model = new CountingEmbedder();
        var vectors = new CachedEmbedder(model, cache).Embed(Texts);

        Assert.Equal(1, cache.DiscardedFileCount);
        Assert.Equal(Texts, model.EmbeddedTexts);
        Assert.Equal(new CountingEmbedder().Embed(Texts), vectors);
        Assert.Single(CacheFiles());  // rewritten, under the same content-derived name...
        Assert.Equal(0, RunAgain().Calls);       // ...soundly: the next run trusts it
    }

    [Fact]
    public void Progress_counts_hits_then_misses()
    {
        var cache = new EmbeddingCache(directory.Path);
        new CachedEmbedder(new CountingEmbedder(), cache).Embed(Texts[..3]);
        var reports = new List<int>();
        new CachedEmbedder(new CountingEmbedder(), cache).Embed(Texts, new SynchronousProgress<int>(reports.Add));
        Assert.Equal(3, reports[0]);
        Assert.Equal(Texts.Length, reports[^1]);
    }

    [Fact]
    public void Default_directory_is_an_absolute_user_cache_path()
    {
        Assert.True(Path.IsPathFullyQualified(EmbeddingCache.DefaultDirectory));
        Assert.EndsWith("embeddings", EmbeddingCache.DefaultDirectory);
    }

    private CountingEmbedder RunAgain()
    {
        var model = new CountingEmbedder();
        new CachedEmbedder(model, new EmbeddingCache(directory.Path)).Embed(Texts);
        return model;
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = bytes.ToArray();
        copy[index] ^= 0x01;
        return copy;
    }
}
