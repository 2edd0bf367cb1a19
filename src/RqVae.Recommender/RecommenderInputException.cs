namespace RqVae.Recommender;

/// <summary>
/// Input a recommender cannot use: interactions with items outside the catalogue, an ID table that does not cover the
/// items, a history of unknown ids. The message says what, where, and what to do.
/// </summary>
public sealed class RecommenderInputException : Exception
{
    /// <summary>An error with a message that says what, where and what to do.</summary>
    public RecommenderInputException(string message) : base(message)
    {
    }
}
