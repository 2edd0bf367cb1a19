using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Service.Contracts;

namespace RqVae.Service.Endpoints;

/// <summary><c>POST /encode</c>: the codes the model gives items now, stateless (nothing is stored or looked up).</summary>
internal static class EncodeEndpoints
{
    public static void MapEncodeEndpoints(this WebApplication app)
    {
        app.MapGroup("/encode").WithTags("encode")
            .MapPost("/", EncodeAsync)
            .Accepts<AssignRequest>("application/json")
            .WithSummary("Encode items with the frozen model without storing them (the body of POST /items).");
    }

    private static async Task<Results<Ok<EncodeResponse>, ProblemHttpResult>> EncodeAsync(HttpRequest request, CatalogueService service, CancellationToken cancellationToken)
    {
        var (items, problem) = await ItemEndpoints.ReadItemsAsync(request, service, cancellationToken);
        if (problem is not null) return problem;
        return TypedResults.Ok(service.Encode(items!, cancellationToken));
    }
}
