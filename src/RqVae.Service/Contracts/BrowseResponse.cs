namespace RqVae.Service.Contracts;

/// <summary>One page of the items under a prefix, in ID order.</summary>
/// <param name="Prefix">The prefix browsed ("" for the whole catalogue).</param>
/// <param name="Items">The page's items.</param>
/// <param name="NextPageOffset">Pass as <c>after</c> to get the next page; null on the last page.</param>
public sealed record BrowseResponse(string Prefix, IReadOnlyList<ItemView> Items, string? NextPageOffset);
