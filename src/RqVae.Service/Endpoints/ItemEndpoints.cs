using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RqVae.Service.Contracts;
using RqVae.Service.Hosting;
using RqVae.Service.Problems;

namespace RqVae.Service.Endpoints;

/// <summary>
/// <c>/items</c>: assign IDs to a batch (<c>POST</c>), look an item up, retire it (<c>DELETE</c>), and find its similar
/// items.
/// </summary>
internal static class ItemEndpoints
{
    public static void MapItemEndpoints(this WebApplication app)
    {
        var service = app.Services.GetRequiredService<CatalogueService>();
        var group = app.MapGroup("/items").WithTags("items");

        var assign = group.MapPost("/", AssignAsync)
            .Accepts<AssignRequest>("application/json")
            .WithSummary("Give each item its semantic ID once and keep it; a stored item gets its stored ID back.");
        var retire = group.MapDelete("/{item_id}", RetireAsync)
            .WithSummary("Retire an item: it keeps its ID, which is never given to another item.");
        if (service.Options.ApiKey is { } key)
        {
            var filter = new ApiKeyFilter(key);
            assign.AddEndpointFilter(filter);
            retire.AddEndpointFilter(filter);
        }
        group.MapGet("/{item_id}", GetAsync).WithSummary("The stored ID of an item (never recomputed).");
        group.MapGet("/{item_id}/similar", SimilarAsync)
            .WithSummary("The items most similar to an item: longest shared ID prefix first, then nearest code vector.");
    }

    private static async Task<Results<Ok<AssignResponse>, ProblemHttpResult>> AssignAsync(HttpRequest request, CatalogueService service, CancellationToken cancellationToken)
    {
        var (items, problem) = await ReadItemsAsync(request, service, cancellationToken);
        if (problem is not null) return problem;
        return TypedResults.Ok(await service.AssignAsync(items!, cancellationToken));
    }

    /// <summary>The items of an assign or encode body, or the problem with the body as a whole.</summary>
    internal static async Task<(IReadOnlyList<ItemInput?>? Items, ProblemHttpResult? Problem)> ReadItemsAsync(HttpRequest request, CatalogueService service, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync<AssignRequest>(request, service.Options, cancellationToken);
        if (problem is not null) return (null, problem);
        if (body!.Items is null) return (null, Problem.Result("items", "is missing; send {\"items\": [{\"item_id\": \"…\", \"features\": [ … ]}]}."));
        if (body.Items.Count == 0) return (null, Problem.Result("items", "is empty; send at least one item."));
        var limit = service.Options.MaxBatchItems;
        if (body.Items.Count > limit)
        {
            var tooMany = Problem.Field("items", $"has {body.Items.Count} items; the limit is {limit} per request (max_batch_items). Split the batch.");
            tooMany.Extensions["limit"] = limit;
            return (null, TypedResults.Problem(tooMany));
        }
        return (body.Items, null);
    }

    private static async Task<Results<Ok<ItemView>, ProblemHttpResult>> GetAsync(string item_id, CatalogueService service, CancellationToken cancellationToken)
    {
        var item = await service.Store.GetAsync(item_id, cancellationToken);
        return item is null ? Problem.UnknownItem(item_id) : TypedResults.Ok(ItemView.Of(item));
    }

    private static async Task<Results<Ok<ItemView>, ProblemHttpResult>> RetireAsync(string item_id, CatalogueService service, CancellationToken cancellationToken)
    {
        var item = await service.Store.RetireAsync(item_id, cancellationToken);
        return item is null ? Problem.UnknownItem(item_id) : TypedResults.Ok(ItemView.Of(item));
    }

    private static async Task<Results<Ok<SimilarResponse>, ProblemHttpResult>> SimilarAsync(string item_id, string? k, CatalogueService service, CancellationToken cancellationToken)
    {
        var (count, problem) = QueryNumber.Read(k, "k", 10, 1, service.Options.MaxSimilar);
        if (problem is not null) return problem;
        var item = await service.Store.GetAsync(item_id, cancellationToken);
        if (item is null) return Problem.UnknownItem(item_id);
        return TypedResults.Ok(await service.SimilarAsync(item, count, cancellationToken));
    }
}
