using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Service.Contracts;
using RqVae.Service.Problems;

namespace RqVae.Service.Endpoints;

/// <summary><c>GET /ids/{id}</c>: which item has a full ID (decoding a generated ID back to the catalogue).</summary>
internal static class IdEndpoints
{
    public static void MapIdEndpoints(this WebApplication app)
    {
        app.MapGroup("/ids").WithTags("ids")
            .MapGet("/{id}", FindAsync)
            .WithSummary("The item with a full ID (L codes and the collision code joined by '-').");
    }

    private static async Task<Results<Ok<ItemView>, ProblemHttpResult>> FindAsync(string id, CatalogueService service, CancellationToken cancellationToken)
    {
        var parsed = service.ParseId(id, out var error);
        if (parsed is null) return Problem.Result("id", error!);
        var item = await service.Store.FindByIdAsync(parsed, cancellationToken);
        return item is null
            ? Problem.Result("id", $"no item has the ID {parsed}.", StatusCodes.Status404NotFound, "Unknown ID")
            : TypedResults.Ok(ItemView.Of(item));
    }
}
