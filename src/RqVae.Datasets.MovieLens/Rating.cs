namespace RqVae.Datasets.MovieLens;

/// <summary>One rating of a movie by a user.</summary>
/// <param name="UserId">The GroupLens user id.</param>
/// <param name="MovieId">The GroupLens movie id.</param>
/// <param name="Value">Stars, 0.5 to 5 in half-star steps.</param>
/// <param name="Timestamp">Seconds since 1970-01-01 UTC.</param>
public readonly record struct Rating(int UserId, int MovieId, double Value, long Timestamp)
{
    /// <summary>The rating time as a UTC date and time.</summary>
    public DateTimeOffset Time => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
