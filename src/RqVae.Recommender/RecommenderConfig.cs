using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using RqVae.IO;
using RqVae.Model;

namespace RqVae.Recommender;

/// <summary>
/// <c>recommender.json</c>, the commit point of a saved recommender: its kind, catalogue size, options, and the
/// weights file it names with that file's SHA-256 (checked on load). Written after the weights, atomically.
/// </summary>
public sealed record RecommenderConfig
{
    /// <summary>The file name inside a recommender folder.</summary>
    public const string FileName = "recommender.json";

    /// <summary>The format this version writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The JSON settings of the file and of the options in it (snake_case names, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The file format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The kind's name (<see cref="IRecommenderKind.Name"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>N, the catalogue size the recommender was fitted on.</summary>
    public required int ItemCount { get; init; }

    /// <summary>The kind's options as JSON.</summary>
    public required JsonElement Options { get; init; }

    /// <summary>The weights file in the folder, or null for a kind that keeps everything in this file.</summary>
    public string? WeightsFile { get; init; }

    /// <summary>The SHA-256 (hex) of <see cref="WeightsFile"/>.</summary>
    public string? WeightsSha256 { get; init; }

    /// <summary>Kind-specific facts that are not options (the epoch kept, the vocabulary, …).</summary>
    public JsonElement? State { get; init; }

    /// <summary>The options as <typeparamref name="T"/>.</summary>
    public T OptionsAs<T>() => Options.Deserialize<T>(JsonOptions) ?? throw new JsonException("The options are null.");

    /// <summary>Writes this config as <c>recommender.json</c> in <paramref name="directory"/>, atomically.</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions));
    }

    /// <summary>Reads <c>recommender.json</c> of <paramref name="directory"/>.</summary>
    /// <exception cref="ModelFormatException">Missing, not JSON, or from a newer format; the message names the file.</exception>
    public static RecommenderConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new ModelFormatException(path, "no such file. Pass a folder that `rqvae recommend train` wrote.");
        RecommenderConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<RecommenderConfig>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not a valid recommender config ({e.Message}).", e);
        }
        if (config is null || string.IsNullOrEmpty(config.Kind)) throw new ModelFormatException(path, "not a valid recommender config (no kind).");
        if (config.FormatVersion > CurrentFormatVersion) throw new ModelFormatException(path, $"format version {config.FormatVersion} is newer than this rqvae reads ({CurrentFormatVersion}); update rqvae.");
        return config;
    }

    /// <summary>Writes <paramref name="bytes"/> as the weights file <paramref name="fileName"/> in <paramref name="directory"/> and returns its SHA-256 (hex).</summary>
    public static string WriteWeights(string directory, string fileName, byte[] bytes)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllBytes(Path.Combine(directory, fileName), bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>The bytes of the weights file this config names, checked against its recorded SHA-256.</summary>
    /// <exception cref="ModelFormatException">No weights file named, missing, or its hash differs.</exception>
    public byte[] ReadWeights(string directory)
    {
        var configPath = Path.Combine(directory, FileName);
        if (WeightsFile is null) throw new ModelFormatException(configPath, "names no weights file.");
        var path = Path.Combine(directory, WeightsFile);
        if (!File.Exists(path)) throw new ModelFormatException(path, "no such file; the recommender folder is incomplete. Train it again.");
        var bytes = File.ReadAllBytes(path);
        if (WeightsSha256 is not null && !string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), WeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(path, $"its SHA-256 differs from the one {FileName} records; the file was changed or replaced. Train the recommender again.");
        return bytes;
    }
}
