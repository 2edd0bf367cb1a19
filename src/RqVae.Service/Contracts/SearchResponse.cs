namespace RqVae.Service.Contracts;

/// <summary>Items found by id, full ID or title.</summary>
/// <param name="Query">The text searched for.</param>
/// <param name="Items">An exact item id or full ID first, then the items whose id or title contains the text, in ID order.</param>
public sealed record SearchResponse(string Query, IReadOnlyList<ItemView> Items);
