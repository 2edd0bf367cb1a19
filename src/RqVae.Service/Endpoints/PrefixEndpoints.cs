using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Catalogue.Stores;
using RqVae.Service.Contracts;
using RqVae.Service.Hosting;
using RqVae.Service.Problems;

namespace RqVae.Service.Endpoints;

/// <summary>
/// <c>/prefixes</c>: the code tree. <c>GET /prefixes/{prefix}</c> lists the branches under a prefix (how many items,
/// which titles), <c>GET /prefixes/{prefix}/items</c> pages through its items in ID order. Without a prefix
/// (<c>/prefixes</c>, <c>/prefixes/items</c>) the root: the whole catalogue.
/// </summary>
internal static class PrefixEndpoints
{
    public static void MapPrefixEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/prefixes").WithTags("prefixes");
        group.MapGet("/", (string? titles, CatalogueService service, CancellationToken ct) => ChildrenAsync("", titles, service, ct))
            .WithSummary("The first level of the code tree: items under each first code.");
        group.MapGet("/{prefix}", (string prefix, string? titles, CatalogueService service, CancellationToken ct) => ChildrenAsync(prefix, titles, service, ct))
            .WithSummary("The branches under a prefix (codes joined by '-'): items under each next code, and a few titles.");
        group.MapGet("/items", (string? limit, string? after, CatalogueService service, CancellationToken ct) => BrowseAsync("", limit, after, service, ct))
            .WithSummary("Every item in ID order, a page at a time.");
        group.MapGet("/{prefix}/items", (string prefix, string? limit, string? after, CatalogueService service, CancellationToken ct) => BrowseAsync(prefix, limit, after, service, ct))
            .WithSummary("The items under a prefix in ID order, a page at a time (pass next_page_offset as after).");
    }

    private static async Task<Results<Ok<ChildrenResponse>, ProblemHttpResult>> ChildrenAsync(string prefix, string? titles, CatalogueService service, CancellationToken cancellationToken)
    {
        var codes = service.ParsePrefix(prefix, out var error);
        if (codes is null) return Problem.Result("prefix", error!);
        var (perChild, problem) = QueryNumber.Read(titles, "titles", 3, 0, 20);
        if (problem is not null) return problem;
        var children = await service.Store.ChildrenAsync(codes, perChild, cancellationToken);
        var text = CatalogueService.Format(codes);
        var views = children.Select(c => new ChildView(c.Code, text.Length == 0 ? CatalogueService.Format([c.Code]) : $"{text}-{c.Code}", c.Items, c.Titles)).ToList();
        return TypedResults.Ok(new ChildrenResponse(text, codes, codes.Length, service.Model.Catalogue.Levels, views.Sum(v => v.Items), views));
    }

    private static async Task<Results<Ok<BrowseResponse>, ProblemHttpResult>> BrowseAsync(string prefix, string? limit, string? after, CatalogueService service, CancellationToken cancellationToken)
    {
        var codes = service.ParsePrefix(prefix, out var error);
        if (codes is null) return Problem.Result("prefix", error!);
        var (size, problem) = QueryNumber.Read(limit, "limit", 100, 1, service.Options.MaxPageSize);
        if (problem is not null) return problem;
        CatalogueId? cursor = null;
        if (!string.IsNullOrEmpty(after))
        {
            cursor = service.ParseId(after, out var why);
            if (cursor is null) return Problem.Result("after", why! + " Pass the next_page_offset of the previous page.");
        }
        var page = await service.Store.BrowseAsync(codes, cursor, size, cancellationToken);
        return TypedResults.Ok(new BrowseResponse(CatalogueService.Format(codes), [.. page.Items.Select(ItemView.Of)], page.Next?.ToString()));
    }
}
