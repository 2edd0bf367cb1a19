namespace RqVae.Service.Contracts;

/// <summary>The body of <c>POST /items</c> and <c>POST /encode</c>.</summary>
/// <param name="Items">The items, at most the service's batch limit.</param>
public sealed record AssignRequest(IReadOnlyList<ItemInput?>? Items);
