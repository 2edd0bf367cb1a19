using Microsoft.AspNetCore.Http;

namespace RqVae.Service.Contracts;

/// <summary>The codes the model gives one item now (nothing stored).</summary>
/// <param name="ItemId">The item's id as given.</param>
/// <param name="Codes">The L codes; null for an error.</param>
/// <param name="Prefix">The codes joined by '-' (without a collision code: only the store numbers items that share codes); null for an error.</param>
/// <param name="Status">"encoded" or "error".</param>
/// <param name="Error">For status "error": an RFC 9457 problem naming the field.</param>
public sealed record EncodeResult(string? ItemId, int[]? Codes, string? Prefix, string Status, HttpValidationProblemDetails? Error = null);

/// <summary>The answer to <c>POST /encode</c>.</summary>
/// <param name="Results">One per item, in the order given.</param>
/// <param name="Time">Seconds the service spent on the request.</param>
public sealed record EncodeResponse(IReadOnlyList<EncodeResult> Results, double Time);
