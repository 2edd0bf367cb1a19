namespace RqVae.Recommender.Protocol;

/// <summary>
/// One ranking question: given <see cref="History"/> (the user's earlier items in time order, as dense item indices),
/// where does the recommender rank <see cref="Target"/>? The history items are excluded from the answer.
/// </summary>
/// <param name="User">The user's index in the split (<see cref="RecommenderSplit.UserKeys"/>).</param>
/// <param name="History">Every earlier item of the user, oldest first, held-out items included (a deployed model sees them).</param>
/// <param name="Target">The item to find, a dense index.</param>
public sealed record EvaluationCase(int User, int[] History, int Target);
