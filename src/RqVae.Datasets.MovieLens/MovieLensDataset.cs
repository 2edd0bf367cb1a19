using System.Collections.Frozen;
using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.RSerialization;

namespace RqVae.Datasets.MovieLens;

/// <summary>
/// The MovieLens "latest-small" data set (2016): 9,066 movies, 671 users, 100,004 ratings.
/// </summary>
/// <remarks>
/// Data: F. Maxwell Harper and Joseph A. Konstan, "The MovieLens Datasets: History and Context",
/// ACM Transactions on Interactive Intelligent Systems 5(4), 2015, https://doi.org/10.1145/2827872;
/// GroupLens Research, University of Minnesota, https://grouplens.org/datasets/movielens/. Licence:
/// research use; no commercial use without permission; redistribution only under the same terms.
/// That is why nothing is bundled: the data are fetched at run time from Debian's
/// <c>r-cran-dslabs</c> package (which ships them as the R data frame <c>movielens</c>) into a cache
/// folder outside the repository. Never commit the data or anything derived from it.
/// </remarks>
public sealed class MovieLensDataset
{
    private const string ObjectName = "movielens";
    private const string NoGenres = "(no genres listed)";

    private readonly FrozenDictionary<int, Movie> moviesById;

    private MovieLensDataset(IReadOnlyList<Movie> movies, IReadOnlyList<Rating> ratings)
    {
        Movies = movies;
        Ratings = ratings;
        moviesById = movies.ToFrozenDictionary(m => m.MovieId);
        UserCount = ratings.Select(r => r.UserId).Distinct().Count();
    }

    /// <summary>All movies that have at least one rating, ordered by movie id (9,066).</summary>
    public IReadOnlyList<Movie> Movies { get; }

    /// <summary>All ratings in the order of the source data (100,004).</summary>
    public IReadOnlyList<Rating> Ratings { get; }

    /// <summary>Number of distinct users (671).</summary>
    public int UserCount { get; }

    /// <summary>The movie with id <paramref name="movieId"/>.</summary>
    /// <exception cref="KeyNotFoundException">No movie has that id.</exception>
    public Movie GetMovie(int movieId) => moviesById[movieId];

    /// <summary>Looks up a movie by id.</summary>
    public bool TryGetMovie(int movieId, out Movie? movie) => moviesById.TryGetValue(movieId, out movie);

    /// <summary>
    /// Loads the data, downloading and unpacking the Debian package into
    /// <see cref="MovieLensOptions.CacheDirectory"/> the first time.
    /// </summary>
    /// <exception cref="MovieLensUnavailableException">apt-get/dpkg-deb are missing or the download failed; the message says what to run.</exception>
    /// <exception cref="DataFormatException">The cached files are damaged.</exception>
    public static MovieLensDataset Load(MovieLensOptions? options = null)
    {
        options ??= new MovieLensOptions();
        options.Validate();
        return FromRdata(DslabsPackageFetcher.EnsureRdataBasePath(options));
    }

    /// <summary>Reads the <c>movielens</c> data frame from an unpacked dslabs <c>Rdata</c> database (path without extension).</summary>
    public static MovieLensDataset FromRdata(string rdataBasePath)
    {
        var frame = RLazyLoadDatabase.Open(rdataBasePath).Read(ObjectName) as RList;
        var source = rdataBasePath + ".rdb";
        if (frame is null || !frame.Inherits("data.frame"))
            throw new DataFormatException($"object '{ObjectName}' is not a data.frame", source);

        var movieIds = RColumns.Integers(frame, "movieId", source);
        var titles = RColumns.Strings(frame, "title", source);
        var years = RColumns.Integers(frame, "year", source);
        var genres = RColumns.Strings(frame, "genres", source);
        var userIds = RColumns.Integers(frame, "userId", source);
        var ratings = RColumns.Doubles(frame, "rating", source);
        var timestamps = RColumns.Doubles(frame, "timestamp", source);
        var rows = movieIds.Length;
        foreach (var (name, length) in new[] { ("title", titles.Length), ("year", years.Length), ("genres", genres.Length),
                     ("userId", userIds.Length), ("rating", ratings.Length), ("timestamp", timestamps.Length) })
            if (length != rows) throw new DataFormatException($"column has {length} rows, movieId has {rows}", source, column: name);

        var movies = new Dictionary<int, Movie>();
        var ratingList = new Rating[rows];
        for (var i = 0; i < rows; i++)
        {
            var movieId = movieIds[i] ?? throw new DataFormatException("movieId is NA", source, i + 1, "movieId");
            var userId = userIds[i] ?? throw new DataFormatException("userId is NA", source, i + 1, "userId");
            ratingList[i] = new Rating(userId, movieId, ratings[i], (long)timestamps[i]);
            if (!movies.ContainsKey(movieId))
                movies[movieId] = new Movie(movieId, titles[i], years[i], SplitGenres(genres[i]));
        }
        return new MovieLensDataset([.. movies.Values.OrderBy(m => m.MovieId)], ratingList);
    }

    private static string[] SplitGenres(string? genres)
        => genres is null or NoGenres ? [] : genres.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The text to embed for a movie: "Title (year). Genres: a, b". A missing title becomes
    /// "Unknown title", a missing year is left out, and the genre sentence is left out when the movie has none.
    /// </summary>
    /// <param name="movie">The movie.</param>
    /// <param name="useDisplayTitle">Use <see cref="Movie.DisplayTitle"/> ("A Goofy Movie") instead of the raw title ("Goofy Movie, A").</param>
    public static string MovieText(Movie movie, bool useDisplayTitle = false)
    {
        ArgumentNullException.ThrowIfNull(movie);
        var title = (useDisplayTitle ? movie.DisplayTitle : movie.Title) ?? "Unknown title";
        var year = movie.Year is { } y ? $" ({y})" : "";
        var genres = movie.Genres.Count > 0 ? $" Genres: {string.Join(", ", movie.Genres)}" : "";
        return $"{title}{year}.{genres}";
    }

    /// <summary>Movies with at least <paramref name="minimumRatings"/> ratings, ordered by movie id (≥ 20 gives 1,303).</summary>
    public IReadOnlyList<Movie> MoviesWithAtLeastRatings(int minimumRatings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumRatings);
        var counts = Ratings.CountBy(r => r.MovieId).ToDictionary();
        return [.. Movies.Where(m => counts.GetValueOrDefault(m.MovieId) >= minimumRatings)];
    }
}
