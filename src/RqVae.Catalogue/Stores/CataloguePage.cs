namespace RqVae.Catalogue.Stores;

/// <summary>One page of a browse, in ID order.</summary>
/// <param name="Items">The items of the page.</param>
/// <param name="Next">The cursor for the next page (the last item's ID), or null when this was the last page.</param>
public sealed record CataloguePage(IReadOnlyList<CatalogueItem> Items, CatalogueId? Next);
