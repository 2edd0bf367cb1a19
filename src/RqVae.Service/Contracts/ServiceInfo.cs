namespace RqVae.Service.Contracts;

/// <summary>What the service serves (<c>GET /info</c>), for the page and for clients.</summary>
/// <param name="Model">The model's folder.</param>
/// <param name="ModelHash">The model's identity, as the store and ID tables record it.</param>
/// <param name="Kind">The tokenizer kind.</param>
/// <param name="Levels">L.</param>
/// <param name="CodebookSize">K.</param>
/// <param name="InputDimension">Width of the feature vectors it takes.</param>
/// <param name="TakesText">Whether items may be given as text.</param>
/// <param name="Store">Where the store is.</param>
/// <param name="Items">Items stored (retired ones included).</param>
/// <param name="Retired">Items retired.</param>
/// <param name="Collided">Items with a collision code above 0.</param>
/// <param name="WritesNeedKey">Whether writes require the API key.</param>
public sealed record ServiceInfo(string Model, string ModelHash, string Kind, int Levels, int CodebookSize, int InputDimension, bool TakesText,
    string Store, long Items, long Retired, long Collided, bool WritesNeedKey);
