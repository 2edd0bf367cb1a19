namespace RqVae.Recommender.Protocol;

/// <summary>One interaction: user <paramref name="UserKey"/> consumed item <paramref name="ItemKey"/> at <paramref name="Timestamp"/>.</summary>
/// <param name="UserKey">The user's id in the source data (MovieLens userId).</param>
/// <param name="ItemKey">The item's id in the source data (MovieLens movieId).</param>
/// <param name="Timestamp">When, in any monotone unit (MovieLens: seconds since 1970); ties are ordered by item key.</param>
public readonly record struct Interaction(int UserKey, int ItemKey, long Timestamp);
