namespace RqVae.Service.Contracts;

/// <summary>The items most similar to one item.</summary>
/// <param name="ItemId">The query item.</param>
/// <param name="Id">Its full ID.</param>
/// <param name="Similar">Longest shared prefix first, then nearest code vector.</param>
public sealed record SimilarResponse(string ItemId, string Id, IReadOnlyList<SimilarView> Similar);

/// <summary>One similar item.</summary>
/// <param name="ItemId">Its id.</param>
/// <param name="Id">Its full ID.</param>
/// <param name="Title">Its title, if any.</param>
/// <param name="SharedPrefix">How many leading codes it shares with the query.</param>
/// <param name="Distance">Euclidean distance between the two code vectors.</param>
public sealed record SimilarView(string ItemId, string Id, string? Title, int SharedPrefix, float Distance);
