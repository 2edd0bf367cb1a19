using RqVae.Datasets.MovieLens;
using RqVae.Datasets.MovieLens.Tests.Support;

namespace RqVae.Datasets.MovieLens.Tests;

[Collection(MovieLensCollection.Name)]
public sealed class MovieLensDatasetTests(MovieLensFixture fixture)
{
    private MovieLensDataset Data => fixture.Dataset;

    [Fact]
    public void Counts_match_the_published_latest_small_release()
    {
        Assert.Equal(9066, Data.Movies.Count);
        Assert.Equal(100004, Data.Ratings.Count);
        Assert.Equal(671, Data.UserCount);
    }

    [Fact]
    public void Known_movies_are_read_correctly()
    {
        var toyStory = Data.GetMovie(1);
        Assert.Equal("Toy Story", toyStory.Title);
        Assert.Equal(1995, toyStory.Year);
        Assert.Equal(["Adventure", "Animation", "Children", "Comedy", "Fantasy"], toyStory.Genres);
        Assert.Equal("Toy Story (1995). Genres: Adventure, Animation, Children, Comedy, Fantasy", MovieLensDataset.MovieText(toyStory));
    }

    [Fact]
    public void Ratings_rows_match_the_source_file()
    {
        // First rows of GroupLens ratings.csv (latest-small, 2016): userId,movieId,rating,timestamp
        Assert.Equal(new Rating(1, 31, 2.5, 1260759144), Data.Ratings[0]);
        Assert.Equal(new Rating(1, 1029, 3.0, 1260759179), Data.Ratings[1]);
        Assert.Equal(671, Data.Ratings.Max(r => r.UserId));
        Assert.All(Data.Ratings, r => Assert.InRange(r.Value, 0.5, 5.0));
    }

    [Fact]
    public void Duplicate_titles_are_distinct_movies_keyed_on_id()
    {
        var sabrina = Data.Movies.Where(m => m.Title == "Sabrina").ToList();
        Assert.Equal([(7, 1995), (915, 1954)], sabrina.Select(m => (m.MovieId, m.Year!.Value)));
        // 208 distinct titles are shared by several movies, plus the NA title: 209 duplicated titles.
        var shared = Data.Movies.GroupBy(m => m.Title).Count(g => g.Count() > 1);
        Assert.Equal(209, shared);
        Assert.Equal(9066, Data.Movies.Select(m => m.MovieId).Distinct().Count());
    }

    [Fact]
    public void Non_ascii_titles_are_decoded()
    {
        Assert.Equal(271, Data.Movies.Count(m => m.Title is { } t && t.Any(c => c > 127)));
        Assert.Equal("Misérables, Les", Data.GetMovie(73).Title);
        Assert.Equal("Ghost in the Shell (Kôkaku kidôtai)", Data.GetMovie(741).Title);
        Assert.Equal("Tie Me Up! Tie Me Down! (¡Átame!)", Data.GetMovie(1190).Title);
        Assert.DoesNotContain(Data.Movies, m => m.Title is { } t && t.Contains('\uFFFD'));
    }

    [Fact]
    public void Na_title_and_year_rows_are_handled()
    {
        var na = Data.Movies.Where(m => m.Title is null).ToList();
        Assert.Equal([108548, 108583, 143410, 151307, 162376], na.Select(m => m.MovieId));
        Assert.All(na, m => Assert.Null(m.Year));
        Assert.Equal("Unknown title. Genres: Comedy", MovieLensDataset.MovieText(Data.GetMovie(108548)));
        Assert.Equal("Unknown title.", MovieLensDataset.MovieText(Data.GetMovie(143410)));
    }

    [Fact]
    public void Display_titles_move_the_article_to_the_front()
    {
        var goofy = Data.Movies.Single(m => m.Title == "Goofy Movie, A");
        Assert.Equal("A Goofy Movie", goofy.DisplayTitle);
        Assert.Equal("Les Misérables", Data.GetMovie(73).DisplayTitle);
        Assert.Equal("The City of Lost Children (Cité des enfants perdus, La)", Data.GetMovie(29).DisplayTitle);
        Assert.StartsWith("A Goofy Movie (1995). Genres: ", MovieLensDataset.MovieText(goofy, useDisplayTitle: true));
    }

    [Fact]
    public void Movies_with_at_least_20_ratings()
    {
        Assert.Equal(1303, Data.MoviesWithAtLeastRatings(20).Count);
        Assert.Equal(9066, Data.MoviesWithAtLeastRatings(1).Count);
    }
}
