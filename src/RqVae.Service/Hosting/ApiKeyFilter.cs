using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using RqVae.Service.Problems;

namespace RqVae.Service.Hosting;

/// <summary>
/// Lets a write through only with the service's API key, given as <c>Authorization: Bearer KEY</c> or
/// <c>X-Api-Key: KEY</c>. The comparison takes the same time whatever the key given (SHA-256 of both, compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>), so timing tells nothing about how much of a guess was right.
/// </summary>
internal sealed class ApiKeyFilter(string key) : IEndpointFilter
{
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The header that carries the key when Authorization is not used.</summary>
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var given = KeyOf(context.HttpContext.Request);
        if (given is null)
            return Refuse(context.HttpContext, "this service requires an API key for writes: send \"Authorization: Bearer KEY\" or \"X-Api-Key: KEY\".");
        if (!CryptographicOperations.FixedTimeEquals(expected, SHA256.HashData(Encoding.UTF8.GetBytes(given))))
            return Refuse(context.HttpContext, "the API key is not the one the service was started with (--api-key-file).");
        return await next(context);
    }

    private static string? KeyOf(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        var header = request.Headers[HeaderName].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    private static IResult Refuse(HttpContext context, string detail)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Problem.Result("authorization", detail, StatusCodes.Status401Unauthorized);
    }
}
