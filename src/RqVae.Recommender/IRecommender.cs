namespace RqVae.Recommender;

/// <summary>
/// A fitted next-item recommender over a catalogue of <see cref="ItemCount"/> items (dense indices). Thread-safe for
/// <see cref="Recommend"/>; dispose it to free its native memory.
/// </summary>
public interface IRecommender : IDisposable
{
    /// <summary>The name of its kind (<see cref="IRecommenderKind.Name"/>).</summary>
    string Kind { get; }

    /// <summary>N, the catalogue size.</summary>
    int ItemCount { get; }

    /// <summary>The number of learned numbers (weights, or counts a baseline keeps), for the size column.</summary>
    long ParameterCount { get; }

    /// <summary>
    /// The top <paramref name="k"/> items for each history, best first, as dense item indices. Items in the user's
    /// <paramref name="exclusions"/> (usually the user's earlier items) never appear; fewer than k come back only
    /// when fewer items remain. Deterministic.
    /// </summary>
    /// <param name="histories">Per user, the earlier items, oldest first.</param>
    /// <param name="k">How many items to return per user; at least 1.</param>
    /// <param name="exclusions">Per user, items not to recommend; null for none.</param>
    int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null);

    /// <summary>Writes the recommender into <paramref name="directory"/> (created if needed): its weights and a <c>recommender.json</c> that <see cref="RecommenderKinds.Load"/> reads.</summary>
    void Save(string directory);
}
