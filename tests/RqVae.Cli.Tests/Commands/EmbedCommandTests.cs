using RqVae.Cli.Tests.Support;
using RqVae.Data.Features;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests.Commands;

/// <summary>The real all-MiniLM-L6-v2 through `rqvae embed`, on a handful of texts.</summary>
public sealed class EmbedCommandTests
{
    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    [Fact]
    public void Embeds_movie_texts_so_that_known_neighbours_are_nearest_and_caches_them()
    {
        using var dir = new TemporaryDirectory();
        var texts = dir.Write("movies.jsonl", string.Join("\n",
            """{"id": "toy1", "title": "Toy Story (1995)", "genres": "Adventure, Animation, Children, Comedy, Fantasy"}""",
            """{"id": "toy2", "title": "Toy Story 2 (1999)", "genres": "Adventure, Animation, Children, Comedy, Fantasy"}""",
            """{"id": "schindler", "title": "Schindler's List (1993)", "genres": "Drama, War"}""",
            """{"id": "amelie", "title": "Amélie (2001)", "genres": "Comedy, Romance"}""") + "\n");
        var cache = dir.File("cache");
        var output = dir.File("vectors.npy");
        var first = Tool.Run("embed", texts, "--text-column", "title,genres", "-o", output, "--embedding-cache", cache);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.NotEmpty(Directory.GetFiles(cache));

        var vectors = FeatureReader.Load(output, new FeatureReaderOptions { IdsPath = dir.File("vectors.ids.txt") }); // embed writes the ids beside the .npy
        Assert.Equal(["toy1", "toy2", "schindler", "amelie"], vectors.Ids);
        Assert.Equal(384, vectors.Dimension);
        for (var r = 0; r < vectors.Rows; r++) Assert.Equal(1.0, Cosine(vectors.Row(r), vectors.Row(r)), 5);
        Assert.True(Cosine(vectors.Row(0), vectors.Row(1)) > Cosine(vectors.Row(0), vectors.Row(2)) + 0.1,
            "Toy Story must be nearer to Toy Story 2 than to Schindler's List");

        // A second run reads the cache and gives the same vectors, in another output format.
        var again = Tool.Run("embed", texts, "--text-column", "title,genres", "-o", dir.File("vectors.csv"), "--embedding-cache", cache);
        Assert.True(again.ExitCode == 0, again.ToString());
        var fromCsv = FeatureReader.Load(dir.File("vectors.csv"));
        Assert.Equal(vectors.Ids, fromCsv.Ids);
        Assert.Equal(vectors.Values, fromCsv.Values);
    }
}
