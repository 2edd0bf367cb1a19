using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using RqVae.Service.Problems;

namespace RqVae.Service.Hosting;

/// <summary>
/// Reads a JSON request body itself rather than through parameter binding, whose refusals are a bare 400: here malformed
/// JSON is a problem naming the line, byte and JSON path, and a body over the size limit one naming the limit.
/// </summary>
internal static class JsonBody
{
    /// <summary>The body as <typeparamref name="T"/>, or the problem that says why not.</summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CatalogueServiceOptions options, CancellationToken cancellationToken)
        where T : class
    {
        var limit = options.MaxRequestBodyBytes;
        if (request.ContentLength > limit) return (null, TooLarge(limit, request.ContentLength.Value));
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ServiceJson.Options, cancellationToken);
            if (value is null) return (null, Problem.Result("$", "the body is JSON null; send an object."));
            return (value, null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}")
                : "";
            var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            var problem = Problem.Field(path, $"the body is not valid JSON for this request{where}: {FirstSentence(e.Message)}", title: "Malformed JSON");
            if (e.LineNumber is { } l) problem.Extensions["line"] = l + 1;
            if (e.BytePositionInLine is { } b) problem.Extensions["byte_in_line"] = b + 1;
            return (null, TypedResults.Problem(problem));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit, null));
        }
    }

    private static ProblemHttpResult TooLarge(long limit, long? length)
    {
        var problem = Problem.Field("$", (length is { } n ? $"the body is {n} bytes" : "the body is larger than the limit") +
            $"; the limit is {limit} bytes (max_request_body_bytes). Send fewer items per request.", StatusCodes.Status413PayloadTooLarge);
        problem.Extensions["limit"] = limit;
        return TypedResults.Problem(problem);
    }

    // System.Text.Json's message repeats the path and position after its first sentence; they are given separately.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
