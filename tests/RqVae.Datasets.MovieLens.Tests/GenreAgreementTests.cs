namespace RqVae.Datasets.MovieLens.Tests;

public sealed class GenreAgreementTests
{
    [Fact]
    public void Same_code_pairs_are_averaged_over_level_one_only()
    {
        IReadOnlyList<string>[] genres = [["Comedy", "Drama"], ["Comedy"], ["Horror"], ["Horror", "Thriller"], ["War"]];
        // Level-1 codes 4, 4, 9, 9, 1; the level-2 codes differ and must not matter.
        int[] codes = [4, 0, 4, 1, 9, 2, 9, 3, 1, 4];
        var agreement = GenreAgreement.Compute(genres, codes, levels: 2, randomPairs: 0);
        // Pairs (0, 1): 1 shared of 2 → 0.5; (2, 3): 1 of 2 → 0.5; the lone movie 4 makes no pair.
        Assert.Equal(new GenreAgreement(0.5, 0, 2), agreement);
    }

    [Fact]
    public void Random_pairs_of_two_movies_are_always_that_pair()
    {
        IReadOnlyList<string>[] genres = [["a", "b"], ["b", "c"]];
        var agreement = GenreAgreement.Compute(genres, [1, 2], levels: 1, randomPairs: 100);
        Assert.Equal(0, agreement.SameFirstCode);
        Assert.Equal(0, agreement.PairsCompared);
        Assert.Equal(1 / 3.0, agreement.RandomPairs, 12);
    }

    [Fact]
    public void Jaccard_of_sets()
    {
        Assert.Equal(0.25, GenreAgreement.Jaccard(["a", "b"], ["b", "c", "d"]));
        Assert.Equal(1, GenreAgreement.Jaccard(["a"], ["a"]));
        Assert.Equal(0, GenreAgreement.Jaccard([], []));
        Assert.Equal(0, GenreAgreement.Jaccard(["a"], []));
    }

    [Fact]
    public void Codes_must_match_the_movies()
    {
        var e = Assert.Throws<ArgumentException>(() => GenreAgreement.Compute([["a"], ["b"]], [1, 2, 3], levels: 2));
        Assert.StartsWith("3 codes for 2 genre lists of 2 levels.", e.Message);
    }

    [Fact]
    public void Summary_sentence()
        => Assert.Equal("Movies sharing their level-1 code share genres with mean Jaccard 0.512 (1,234 pairs), random pairs 0.170.",
            new GenreAgreement(0.5123, 0.1704, 1234).ToString());
}
