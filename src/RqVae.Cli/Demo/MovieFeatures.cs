using RqVae.Data.MovieLens;

namespace RqVae.Cli.Demo;

/// <summary>How the MovieLens demo turns a movie into numbers.</summary>
internal enum MovieFeatureKind
{
    /// <summary>MiniLM embedding of "Title (year). Genres: a, b" (384-d) — the realistic setting.</summary>
    Text,

    /// <summary>Genre indicators plus the release decade, scaled (no text model; seconds instead of a minute).</summary>
    Genres,
}

/// <summary>Genre-and-year vectors for movies: one 0/1 column per genre, plus (year − 1900) / 100 (0.5 when unknown).</summary>
internal static class MovieFeatures
{
    public static (float[] Values, int Dimension, string[] Columns) GenresAndYear(IReadOnlyList<Movie> movies)
    {
        var genres = movies.SelectMany(m => m.Genres).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var column = genres.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        var dimension = genres.Length + 1;
        var values = new float[movies.Count * dimension];
        for (var r = 0; r < movies.Count; r++)
        {
            foreach (var g in movies[r].Genres) values[r * dimension + column[g]] = 1f;
            values[r * dimension + genres.Length] = movies[r].Year is { } y ? (y - 1900) / 100f : 0.5f;
        }
        return (values, dimension, [.. genres, "year"]);
    }
}
