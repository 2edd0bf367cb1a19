namespace RqVae.SemanticIds;

/// <summary>One answer of a similar-items query.</summary>
/// <param name="Row">The item's row in the indexed table.</param>
/// <param name="SharedPrefix">How many leading codes it shares with the query.</param>
/// <param name="Distance">Euclidean distance between the code vectors of the two IDs (ties within one prefix length are broken by it).</param>
public readonly record struct SimilarItem(int Row, int SharedPrefix, float Distance);
