namespace RqVae.Datasets.MovieLens.Tests;

public sealed class MovieFeaturesTests
{
    [Fact]
    public void One_column_per_genre_in_ordinal_order_then_the_scaled_year()
    {
        Movie[] movies =
        [
            new(1, "Toy Story", 1995, ["Comedy", "Animation"]),
            new(2, null, null, []),
            new(3, "Inception", 2010, ["Drama"]),
        ];
        var (values, dimension, columns) = MovieFeatures.GenresAndYear(movies);
        Assert.Equal(4, dimension);
        Assert.Equal(["Animation", "Comedy", "Drama", "year"], columns);
        Assert.Equal(
        [
            1, 1, 0, 95 / 100f,
            0, 0, 0, 0.5f, // unknown year: the middle of the scale
            0, 0, 1, 110 / 100f,
        ], values);
    }

    [Fact]
    public void No_movies_leave_only_the_year_column()
    {
        var (values, dimension, columns) = MovieFeatures.GenresAndYear([]);
        Assert.Empty(values);
        Assert.Equal(1, dimension);
        Assert.Equal(["year"], columns);
    }
}
