using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace RqVae.Model;

/// <summary>
/// What identifies a model in the ID tables it writes: a SHA-256 over its kind, its settings sections and its
/// weights' SHA-256, because every one of them can change an ID (flipping cosine codebooks in config.json changes
/// almost every ID without touching the weights). The training facts and the weights file's name are left out:
/// they say how the model was made or stored, not how it encodes.
/// </summary>
/// <param name="ModelSha256">The model's identity (lower-case hex); ID tables record it as their model hash.</param>
/// <param name="WeightsSha256">The weights' SHA-256 alone, which tables written before identities covered the settings record.</param>
/// <param name="SettingsAsSaved">
/// False when config.json records an identity that its current settings and weights no longer give (it was edited
/// after saving); true when they agree, or for a folder saved before identities were recorded (which cannot tell).
/// </param>
public sealed record ModelIdentity(string ModelSha256, string WeightsSha256, bool SettingsAsSaved)
{
    /// <summary>The identity of the model <paramref name="config"/> describes, and whether it is the identity recorded at save time.</summary>
    public static ModelIdentity Of(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var id = Compute(config);
        return new ModelIdentity(id, config.WeightsSha256.ToLowerInvariant(),
            config.ModelSha256 is null || string.Equals(config.ModelSha256, id, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>SHA-256 over the kind, the settings sections (in name order, as compact JSON) and the weights' SHA-256.</summary>
    public static string Compute(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder("rqvae-model-identity/1\n").Append(config.Kind).Append('\n');
        foreach (var (name, value) in (config.Sections ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(name).Append('=').Append(JsonSerializer.Serialize(value)).Append('\n');
        text.Append(config.WeightsSha256.ToLowerInvariant()).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
