using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RqVae.Model;

/// <summary>
/// The readable <c>config.json</c> of a saved model: what kind of model, its architecture, and the
/// SHA-256 of the weights file, so a directory whose config and weights do not belong together is
/// refused on load.
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

    /// <summary>The RQ-VAE architecture (null for tokenizers without a network).</summary>
    public RqVaeOptions? Model { get; init; }

    /// <summary>The options of a residual k-means model (kind "residual-kmeans"); null for other kinds.</summary>
    public ResidualKMeans.ResidualKMeansOptions? ResidualKMeans { get; init; }

    /// <summary>Width of the feature vectors, for kinds whose options do not hold it (residual k-means).</summary>
    public int? InputDimension { get; init; }

    /// <summary>File name of the weights, beside the config.</summary>
    public string WeightsFile { get; init; } = "model.safetensors";

    /// <summary>Lower-case hex SHA-256 of the weights file.</summary>
    public required string WeightsSha256 { get; init; }

    /// <summary>Free-form facts about how the model was trained (seed, epochs, …), for people.</summary>
    public Dictionary<string, string>? Training { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
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
