using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using RqVae.Datasets.MovieLens;
using RqVae.IO;

namespace RqVae.Cli.Demo;

/// <summary>
/// Writes the movies as a CSV (id, title, year, genres, text) next to the run's outputs, so the other
/// commands can be tried on them: <c>rqvae similar … --items movies.csv --title "Heat"</c>.
/// </summary>
internal static class MovieCatalogueFile
{
    public static void Write(string path, IReadOnlyList<Movie> movies)
        => AtomicFile.Write(path, stream =>
        {
            using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            using var writer = Sep.Writer(o => o with { Sep = new Sep(','), CultureInfo = CultureInfo.InvariantCulture, Escape = true }).To(text, leaveOpen: true);
            foreach (var movie in movies)
            {
                using var row = writer.NewRow();
                row["id"].Set(movie.MovieId.ToString(CultureInfo.InvariantCulture));
                row["title"].Set(DisplayName(movie));
                row["year"].Set(movie.Year?.ToString(CultureInfo.InvariantCulture) ?? "");
                row["genres"].Set(string.Join('|', movie.Genres));
                row["text"].Set(MovieLensDataset.MovieText(movie));
            }
            writer.Flush();
            text.Flush();
        });

    /// <summary>"The Matrix (1999)": the display title with the year, as people search for it.</summary>
    public static string DisplayName(Movie movie)
        => (movie.DisplayTitle ?? "(no title)") + (movie.Year is { } y ? $" ({y})" : "");
}
