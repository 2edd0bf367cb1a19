using RqVae.Data.MovieLens;

namespace RqVae.Data.Tests.MovieLens;

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
    public void Dump()
    {
        foreach (var m in Data.Movies.Take(5)) Console.WriteLine(m);
        foreach (var r in Data.Ratings.Take(5)) Console.WriteLine(r);
        foreach (var m in Data.Movies.Where(m => m.Title is null)) Console.WriteLine("NA " + m.MovieId + " " + string.Join(",", m.Genres));
        foreach (var m in Data.Movies.Where(m => m.Title is not null && m.Title.Any(c => c > 127)).Take(8)) Console.WriteLine("U " + m.MovieId + " " + m.Title);
        Console.WriteLine("nonascii " + Data.Movies.Count(m => m.Title is not null && m.Title.Any(c => c > 127)));
        Console.WriteLine("dupTitles " + Data.Movies.Where(m => m.Title is not null).GroupBy(m => m.Title).Where(g => g.Count() > 1).Sum(g => g.Count()) + " groups " + Data.Movies.Where(m => m.Title is not null).GroupBy(m => m.Title).Count(g => g.Count() > 1));
        Console.WriteLine("ge20 " + Data.MoviesWithAtLeastRatings(20).Count);
        foreach (var g in Data.Movies.Where(m => m.Title is not null).GroupBy(m => m.Title).Where(g => g.Count() > 1).Take(3)) Console.WriteLine("DUP " + string.Join(" | ", g));
        foreach (var m in Data.Movies.Where(m => m.Title!.EndsWith(", A") ).Take(3)) Console.WriteLine("ART " + m.Title + " -> " + m.DisplayTitle);
        var u = Data.Ratings.Take(3);
    }
}
