using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RqVae.Model;

/// <summary>
/// The readable <c>config.json</c> of a saved model: what kind of model, the SHA-256 of the weights file
/// (so a directory whose config and weights do not belong together is refused on load), and the kind's own
/// settings in sections named by the kind (an RQ-VAE's architecture under "model", residual k-means' options
/// under "residualKMeans"). The sections are kept as JSON so that this file knows no kind: a new kind adds its
/// section without touching it.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Identifies the file as ours.</summary>
    public const string FormatName = "rqvae-model";

    /// <summary>Version of this layout; readers refuse newer ones.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Layout version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Which tokenizer wrote it, e.g. "rqvae" or "residual-kmeans".</summary>
    public required string Kind { get; init; }

    /// <summary>File name of the weights, beside the config.</summary>
    public string WeightsFile { get; init; } = "model.safetensors";

    /// <summary>Lower-case hex SHA-256 of the weights file.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>
    /// The model's identity (<see cref="ModelIdentity"/>) as computed when it was saved; null in folders saved before
    /// identities were recorded. A config whose settings were edited afterwards no longer gives it.
    /// </summary>
    public string? ModelSha256 { get; init; }

    /// <summary>Free-form facts about how the model was trained (seed, epochs, …), for people.</summary>
    public Dictionary<string, string>? Training { get; init; }

    /// <summary>Every other top-level member: the kind's own sections, as written.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Sections { get; init; }

    /// <summary>The section <paramref name="name"/> read as <typeparamref name="T"/>, or default when absent.</summary>
    /// <exception cref="ModelFormatException">The section is not a valid <typeparamref name="T"/>; the message names it.</exception>
    public T? Section<T>(string path, string name)
    {
        if (Sections is null || !Sections.TryGetValue(name, out var element) || element.ValueKind == JsonValueKind.Null) return default;
        try
        {
            return element.Deserialize<T>(Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new ModelFormatException(path, $"\"{name}\" is not valid ({e.Message}).", e);
        }
    }

    /// <summary>This config with section <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public ModelConfig WithSection<T>(string name, T value)
    {
        var sections = Sections is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(Sections);
        sections[name] = JsonSerializer.SerializeToElement(value, Json);
        return this with { Sections = sections };
    }

    /// <summary>How config files are written and read: camelCase members, nulls left out, no comments or trailing commas.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 16,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Largest config file accepted; a real one is about a kilobyte.</summary>
    public const long MaxBytes = 1 << 20;

    /// <summary>Reads and checks a config file.</summary>
    public static ModelConfig Read(string path)
    {
        if (!File.Exists(path)) throw new ModelFormatException(path, "there is no config.json here, so this is not a model directory. Pass the folder that `rqvae train` wrote.");
        if (IO.FileKind.DescribeIfNotRegular(path) is { } kind) throw new ModelFormatException(path, $"config.json is a {kind}, not a regular file; this is not a model directory.");
        var length = new FileInfo(path).Length;
        if (length > MaxBytes) throw new ModelFormatException(path, $"the config is {length} bytes, far more than a model config; this is not a model config.");
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(File.ReadAllBytes(path), Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or DecoderFallbackException)
        {
            // InvalidOperationException: text that is not UTF-8; NotSupportedException: a member of an unexpected shape.
            throw new ModelFormatException(path, $"the config is not valid JSON of a model config ({e.Message}).", e);
        }
        if (config is null) throw new ModelFormatException(path, "the config is empty (null).");
        // JSON may say null for members that C# declares non-null; refuse before anything dereferences them.
        if (config.Kind is null || config.WeightsSha256 is null || config.WeightsFile is null || config.Format is null)
            throw new ModelFormatException(path, "format, kind, weightsFile and weightsSha256 must be strings, not null.");
        if (config.Format != FormatName) throw new ModelFormatException(path, $"format is \"{config.Format}\", expected \"{FormatName}\".");
        if (config.FormatVersion > CurrentFormatVersion)
            throw new ModelFormatException(path, $"format version {config.FormatVersion} is newer than this program reads ({CurrentFormatVersion}); upgrade rqvae.");
        if (config.WeightsFile.Contains('/') || config.WeightsFile.Contains('\\') || config.WeightsFile.StartsWith('.'))
            throw new ModelFormatException(path, $"weightsFile \"{config.WeightsFile}\" must be a plain file name beside the config.");
        return config;
    }

    /// <summary>Writes the config atomically.</summary>
    public void Write(string path) => IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");
}
