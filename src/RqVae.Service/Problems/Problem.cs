using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace RqVae.Service.Problems;

/// <summary>
/// RFC 9457 problem details, made in one place so that every refusal looks alike: a status, a title, a detail for
/// people, and <c>errors</c> naming the field (as a JSON path, "items[3].features") with what is wrong with it.
/// </summary>
public static class Problem
{
    /// <summary>A problem with the field <paramref name="field"/>.</summary>
    public static HttpValidationProblemDetails Field(string field, string detail, int status = StatusCodes.Status400BadRequest, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(detail);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = title ?? TitleOf(status),
            Detail = $"{field}: {detail}",
            Type = TypeOf(status),
        };
    }

    /// <summary>The problem <paramref name="field"/> as an HTTP result.</summary>
    public static ProblemHttpResult Result(string field, string detail, int status = StatusCodes.Status400BadRequest, string? title = null)
        => TypedResults.Problem(Field(field, detail, status, title));

    /// <summary>An HTTP result for a problem that concerns no one field (a missing item, an unreachable store).</summary>
    public static ProblemHttpResult General(int status, string detail, string? title = null)
        => TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title ?? TitleOf(status), Detail = detail, Type = TypeOf(status) });

    /// <summary>404 for an item id no item has.</summary>
    public static ProblemHttpResult UnknownItem(string itemId)
        => Result("item_id", $"no item has the id '{itemId}'. Assign it first with POST /items.", StatusCodes.Status404NotFound, "Unknown item");

    internal static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        404 => "Not found",
        413 => "Request too large",
        415 => "Unsupported media type",
        503 => "Service unavailable",
        _ => status >= 500 ? "Internal error" : "Request refused",
    };

    // The RFC 9110 section of each status, as ASP.NET Core's own problem details name them.
    internal static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}
