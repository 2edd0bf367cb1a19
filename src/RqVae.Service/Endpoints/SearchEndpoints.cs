using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Service.Contracts;
using RqVae.Service.Hosting;
using RqVae.Service.Problems;

namespace RqVae.Service.Endpoints;

/// <summary><c>GET /search?q=</c> (an item by id, full ID or title, for the page) and <c>GET /info</c> (what is served).</summary>
internal static class SearchEndpoints
{
    public static void MapSearchEndpoints(this WebApplication app)
    {
        app.MapGet("/search", SearchAsync).WithTags("search")
            .WithSummary("Items by id, full ID or title text: an exact id or ID first, then ids and titles containing the text.");
        app.MapGet("/info", InfoAsync).WithTags("search").WithSummary("The model and store served, and the store's sizes.");
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(string? q, string? limit, CatalogueService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q)) return Problem.Result("q", "is empty; give an item id, a full ID or words of a title.");
        if (q.Length > 1000) return Problem.Result("q", $"is {q.Length} characters; the limit is 1000.");
        var (size, problem) = QueryNumber.Read(limit, "limit", 20, 1, service.Options.MaxPageSize);
        if (problem is not null) return problem;
        var text = q.Trim();
        var found = new List<ItemView>();
        if (service.ParseId(text, out _) is { } id && await service.Store.FindByIdAsync(id, cancellationToken) is { } byId) found.Add(ItemView.Of(byId));
        foreach (var item in await service.Store.SearchAsync(text, size, cancellationToken))
            if (found.Count < size && !found.Any(f => f.ItemId == item.ItemId)) found.Add(ItemView.Of(item));
        return TypedResults.Ok(new SearchResponse(text, found));
    }

    private static async Task<Ok<ServiceInfo>> InfoAsync(CatalogueService service, CancellationToken cancellationToken)
    {
        var counts = await service.Store.CountsAsync(cancellationToken);
        var model = service.Model;
        return TypedResults.Ok(new ServiceInfo(model.Path, model.Identity.ModelSha256, model.Tokenizer.Kind, model.Catalogue.Levels, model.Catalogue.CodebookSize,
            model.Tokenizer.InputDimension, model.TakesText, service.Store.Location, counts.Items, counts.Retired, counts.Collided, service.Options.ApiKey is not null));
    }
}
