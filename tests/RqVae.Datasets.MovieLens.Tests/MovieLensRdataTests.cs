using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Datasets.MovieLens.Tests;

/// <summary>
/// The loader on a five-row <c>movielens</c> data frame written by hand into a lazy-load database,
/// shaped like dslabs' (one row per rating, the movie's title, year and genres repeated on each).
/// </summary>
public sealed class MovieLensRdataTests : IDisposable
{
    private readonly TemporaryDirectory dir = new();
    public void Dispose() => dir.Dispose();

    private const int Na = RXdrWriter.NaInteger;

    /// <summary>The columns of the small frame, each replaceable to break one thing.</summary>
    private static (string Name, Action<RXdrWriter> Column)[] Columns() =>
    [
        ("movieId", c => c.Ints([31, 1029, 31, 73, 108548])),
        ("title", c => c.Strings(["Dangerous Minds", "Dumbo", "Dangerous Minds", "Misérables, Les", null])),
        ("year", c => c.Ints([1995, 1941, 1995, 1995, Na])),
        ("genres", c => c.Factor([2, 1, 2, 3, 4], ["Animation|Children|Drama|Musical", "Drama", "Drama|War", "(no genres listed)"])),
        ("userId", c => c.Ints([1, 1, 2, 7, 2])),
        ("rating", c => c.Doubles([2.5, 3, 4, 5, 3.5])),
        ("timestamp", c => c.Ints([1260759144, 1260759179, 835355493, 1, 2])),
    ];

    private string Write(Action<RXdrWriter> frame) => RLazyLoadFiles.Write(dir.File("Rdata"),
        ("other", RXdrWriter.Serialize(w => w.Ints([1]))), ("movielens", RXdrWriter.Serialize(frame)));

    private string WriteFrame((string Name, Action<RXdrWriter> Column)[] columns, int rows = 5) => Write(w => w.DataFrame(rows, columns));

    [Fact]
    public void Movies_and_ratings_from_a_small_frame()
    {
        var data = MovieLensDataset.FromRdata(WriteFrame(Columns()));

        Assert.Equal([31, 73, 1029, 108548], data.Movies.Select(m => m.MovieId));
        Assert.Equal(3, data.UserCount);
        Assert.Equal(
            [new Rating(1, 31, 2.5, 1260759144), new Rating(1, 1029, 3, 1260759179), new Rating(2, 31, 4, 835355493), new Rating(7, 73, 5, 1), new Rating(2, 108548, 3.5, 2)],
            data.Ratings);
        Assert.Equal(new DateTimeOffset(1996, 6, 21, 11, 11, 33, TimeSpan.Zero), data.Ratings[2].Time);

        var dumbo = data.GetMovie(1029);
        Assert.Equal(("Dumbo", 1941), (dumbo.Title, dumbo.Year!.Value));
        Assert.Equal(["Animation", "Children", "Drama", "Musical"], dumbo.Genres);
        Assert.Equal("Dumbo (1941). Genres: Animation, Children, Drama, Musical", MovieLensDataset.MovieText(dumbo));

        var misérables = data.GetMovie(73);
        Assert.Equal("Les Misérables", misérables.DisplayTitle);
        Assert.Equal("Les Misérables (1995). Genres: Drama, War", MovieLensDataset.MovieText(misérables, useDisplayTitle: true));

        var unknown = data.GetMovie(108548);
        Assert.Null(unknown.Title);
        Assert.Null(unknown.Year);
        Assert.Empty(unknown.Genres);
        Assert.Equal("Unknown title.", MovieLensDataset.MovieText(unknown));

        Assert.Equal([31], data.MoviesWithAtLeastRatings(2).Select(m => m.MovieId));
        Assert.False(data.TryGetMovie(1, out _));
    }

    [Fact]
    public void Ids_stored_as_doubles_and_titles_as_a_factor_read_the_same()
    {
        var columns = Columns();
        columns[0] = ("movieId", c => c.Doubles([31, 1029, 31, 73, 108548]));
        columns[1] = ("title", c => c.Factor([1, 2, 1, 3, Na], ["Dangerous Minds", "Dumbo", "Misérables, Les"]));
        var data = MovieLensDataset.FromRdata(WriteFrame(columns));
        Assert.Equal(["Dangerous Minds", "Misérables, Les", "Dumbo", null], data.Movies.Select(m => m.Title));
    }

    [Fact]
    public void Refuses_an_object_that_is_not_a_data_frame()
    {
        var basePath = Write(w => w.List([c => c.Ints([1])], ["movieId"]));
        Assert.Equal("object 'movielens' is not a data.frame", Assert.Throws<DataFormatException>(() => MovieLensDataset.FromRdata(basePath)).Problem);
    }

    [Fact]
    public void Refuses_a_missing_column()
    {
        var basePath = WriteFrame([.. Columns().Where(c => c.Name != "rating")]);
        var e = Assert.Throws<DataFormatException>(() => MovieLensDataset.FromRdata(basePath));
        Assert.Equal("the data frame has no column 'rating'", e.Problem);
        Assert.Equal(basePath + ".rdb", e.FilePath);
    }

    [Fact]
    public void Refuses_columns_of_different_lengths()
    {
        var columns = Columns();
        columns[2] = ("year", c => c.Ints([1995, 1941]));
        var e = Assert.Throws<DataFormatException>(() => MovieLensDataset.FromRdata(WriteFrame(columns)));
        Assert.Equal("column has 2 rows, movieId has 5", e.Problem);
        Assert.Equal("year", e.Column);
    }

    [Fact]
    public void Refuses_a_rating_without_movie_or_user()
    {
        var columns = Columns();
        columns[4] = ("userId", c => c.Ints([1, 1, Na, 7, 2]));
        var e = Assert.Throws<DataFormatException>(() => MovieLensDataset.FromRdata(WriteFrame(columns)));
        Assert.Equal(("userId is NA", 3L, "userId"), (e.Problem, e.Row!.Value, e.Column));
    }
}
