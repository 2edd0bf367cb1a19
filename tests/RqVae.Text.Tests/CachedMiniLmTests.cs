using RqVae.TestSupport;
using RqVae.Text;
using RqVae.Text.Tests.Support;

namespace RqVae.Text.Tests;

/// <summary>The cache in front of the real model.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class CachedMiniLmTests(MiniLmFixture model) : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Cache_hit_returns_identical_vectors_and_never_runs_the_model()
    {
        string[] texts =
        [
            "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy",
            "Amélie (2001). Genres: Comedy, Romance",
            "Schindler's List (1993). Genres: Drama, War",
        ];
        var computed = new CachedEmbedder(model.Batched, new EmbeddingCache(directory.Path)).Embed(texts);

        var callsBefore = model.Batched.ModelCalls;
        var cached = new CachedEmbedder(model.Batched, new EmbeddingCache(directory.Path)).Embed(texts);

        Assert.Equal(callsBefore, model.Batched.ModelCalls);
        Assert.Equal(computed, cached); // bit for bit
        Assert.Equal(model.Unbatched.Embed(texts), cached, new ToleranceComparer(1e-5f));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
