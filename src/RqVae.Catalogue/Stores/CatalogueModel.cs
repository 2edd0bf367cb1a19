using System.Globalization;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// The model a catalogue store belongs to: the store keeps IDs of one frozen tokenizer, so it records the model's
/// identity once and refuses any other model.
/// </summary>
/// <param name="ModelHash">
/// The model's identity as ID tables record it (<c>ModelIdentity.ModelSha256</c>, lower-case hex, no "sha256:" prefix;
/// a "sha256:" prefix is dropped and case ignored when compared).
/// </param>
/// <param name="Levels">L, the codes the tokenizer encodes per item (the collision code comes on top).</param>
/// <param name="CodebookSize">K, the codes per level: every code is in 0 … K − 1.</param>
public sealed record CatalogueModel(string ModelHash, int Levels, int CodebookSize)
{
    /// <summary>The hash without a "sha256:" prefix, in lower case: the form the store keeps and compares.</summary>
    public string NormalizedHash => Normalize(ModelHash);

    /// <summary>Throws <see cref="ArgumentException"/> unless the hash is non-empty and L and K are at least 1.</summary>
    public CatalogueModel Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelHash)) throw new ArgumentException("The model hash is empty.", nameof(ModelHash));
        ArgumentOutOfRangeException.ThrowIfLessThan(Levels, 1, nameof(Levels));
        ArgumentOutOfRangeException.ThrowIfLessThan(CodebookSize, 1, nameof(CodebookSize));
        return this;
    }

    /// <summary>
    /// Why <paramref name="codes"/> cannot be an item's encoded codes under this model (wrong count, or a code outside
    /// 0 … K − 1), or null when they can. The service checks each item of a batch with it before assigning.
    /// </summary>
    public string? CheckCodes(IReadOnlyList<int>? codes)
    {
        if (codes is null) return "the codes are missing";
        if (codes.Count != Levels) return $"{codes.Count} codes given; the model encodes {Levels} per item";
        for (var l = 0; l < codes.Count; l++)
            if (codes[l] < 0 || codes[l] >= CodebookSize)
                return $"code {codes[l].ToString(CultureInfo.InvariantCulture)} at level {l.ToString(CultureInfo.InvariantCulture)} is outside 0..{(CodebookSize - 1).ToString(CultureInfo.InvariantCulture)}";
        return null;
    }

    internal static string Normalize(string hash)
        => (hash.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? hash["sha256:".Length..] : hash).Trim().ToLowerInvariant();
}
