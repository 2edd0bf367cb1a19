using Microsoft.AspNetCore.Http;

namespace RqVae.Service.Contracts;

/// <summary>What happened to one item of an assign request.</summary>
/// <param name="ItemId">The item's id as given (null when it had none).</param>
/// <param name="Id">Its full ID, codes and collision code joined by '-' ("3-17-200-0"); null for an error.</param>
/// <param name="Codes">The L codes and the collision code; null for an error.</param>
/// <param name="Status">"created" (new item, ID assigned now), "unchanged" (already stored: its stored ID, never recomputed) or "error".</param>
/// <param name="Retired">True when the item was retired earlier (it keeps its ID; absent otherwise).</param>
/// <param name="Drift">For a stored item whose fresh encoding differs from its stored codes: how; absent otherwise.</param>
/// <param name="Error">For status "error": an RFC 9457 problem naming the field; absent otherwise.</param>
public sealed record ItemResult(string? ItemId, string? Id, int[]? Codes, string Status, bool? Retired = null, Drift? Drift = null, HttpValidationProblemDetails? Error = null);

/// <summary>How far a stored item's fresh encoding is from the ID it keeps.</summary>
/// <param name="FreshCodes">The L codes the model gives the item's features now.</param>
/// <param name="ChangedLevels">How many of the L levels differ from the stored codes.</param>
/// <param name="SharedPrefix">How many leading codes the fresh and the stored codes share.</param>
public sealed record Drift(int[] FreshCodes, int ChangedLevels, int SharedPrefix);

/// <summary>The answer to <c>POST /items</c>.</summary>
/// <param name="Results">One per item, in the order given.</param>
/// <param name="Time">Seconds the service spent on the request.</param>
public sealed record AssignResponse(IReadOnlyList<ItemResult> Results, double Time);
