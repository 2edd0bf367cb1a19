namespace RqVae.Datasets.MovieLens;

/// <summary>
/// Numeric features of movies that need no text model: one 0/1 column per genre, plus
/// (year − 1900) / 100 (0.5 when unknown), so every column lies in about [0, 1].
/// </summary>
public static class MovieFeatures
{
    /// <summary>The genre-and-year matrix of <paramref name="movies"/>.</summary>
    /// <returns>
    /// The values row-major (one row per movie, in order), the number of columns, and the column names:
    /// the genres in ordinal order, then "year".
    /// </returns>
    public static (float[] Values, int Dimension, string[] Columns) GenresAndYear(IReadOnlyList<Movie> movies)
    {
        ArgumentNullException.ThrowIfNull(movies);
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
