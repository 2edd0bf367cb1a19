using RqVae.Datasets.MovieLens;

namespace RqVae.Datasets.MovieLens.Tests;

public sealed class MovieTitlesTests
{
    [Theory]
    [InlineData("Goofy Movie, A", "A Goofy Movie")]
    [InlineData("Shawshank Redemption, The", "The Shawshank Redemption")]
    [InlineData("Dernier métro, Le (Last Metro, The)", "Le Dernier métro (Last Metro, The)")]
    [InlineData("Toy Story", "Toy Story")]
    [InlineData("Crouching Tiger, Hidden Dragon", "Crouching Tiger, Hidden Dragon")]
    public void Display_title(string raw, string expected) => Assert.Equal(expected, MovieTitles.ToDisplayTitle(raw));
}
