using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using RqVae.IO;

namespace RqVae.Model;

/// <summary>
/// The folder a training run writes: the model files of the tokenizer's <c>Save</c> (<c>config.json</c> + weights),
/// so the tokenizer's <c>Load</c> reads it, and beside them the training log, the metrics, the report and, while a
/// run is unfinished, the training state it resumes from. The one owner of this layout.
/// </summary>
/// <remarks>
/// During training the weights of the last complete epoch are written to
/// <c>checkpoint-epoch-NNNN.safetensors</c> and only then is <c>config.json</c> replaced (atomically)
/// by one naming that file and its SHA-256. The config swap is the commit point: whenever the process
/// dies, config.json names a complete weights file that matches its hash, so the folder always loads.
/// </remarks>
public sealed class ModelDirectory
{
    /// <summary>The model's config (kind, settings, weights file and hash).</summary>
    public const string ConfigFile = ModelFiles.ConfigFileName;

    /// <summary>The finished model's weights.</summary>
    public const string WeightsFile = ModelFiles.DefaultWeightsFile;

    /// <summary>Settings, facts and per-epoch history of the run.</summary>
    public const string TrainingLogFile = "training.json";

    /// <summary>Metrics of the saved weights on the training items.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>The self-contained HTML report.</summary>
    public const string ReportFile = "report.html";

    /// <summary>The complete training state (<see cref="Training.Checkpointing.TrainingCheckpoint"/>) a resumed run continues from; removed when training finishes.</summary>
    public const string TrainingStateFile = "training.ckpt";

    /// <summary>The training fact that names the epoch whose checkpoint config.json points at.</summary>
    public const string CheckpointEpochFact = "checkpointEpoch";

    private const string CheckpointPrefix = "checkpoint-epoch-";

    private static readonly HashSet<string> LayoutFiles = new(StringComparer.Ordinal)
    {
        ConfigFile, WeightsFile, TrainingLogFile, MetricsFile, ReportFile, TrainingStateFile,
    };

    /// <summary>True when <paramref name="fileName"/> is one of the files a model directory holds (the epoch checkpoints included).</summary>
    public static bool IsLayoutFile(string fileName)
        => LayoutFiles.Contains(fileName)
           || (fileName.StartsWith(CheckpointPrefix, StringComparison.Ordinal) && fileName.EndsWith(".safetensors", StringComparison.Ordinal));

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <param name="path">Where the files are written; created when missing.</param>
    /// <param name="displayPath">Where the folder ends up, for messages (differs from <paramref name="path"/> while a replacement is built beside the old folder).</param>
    /// <exception cref="IOException"><paramref name="path"/> is a file.</exception>
    public ModelDirectory(string path, string? displayPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        DisplayPath = displayPath is null ? Path : System.IO.Path.GetFullPath(displayPath);
        if (File.Exists(Path)) throw new IOException($"'{path}' is a file; a model folder is a directory (it holds config.json, the weights, metrics and the report).");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Where the files are written.</summary>
    public string Path { get; }

    /// <summary>Where the folder ends up once the run has finished.</summary>
    public string DisplayPath { get; }

    /// <summary><paramref name="name"/> inside <see cref="DisplayPath"/>, for messages.</summary>
    public string DisplayFilePath(string name) => System.IO.Path.Combine(DisplayPath, name);

    /// <summary><paramref name="name"/> inside <see cref="Path"/>.</summary>
    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The training state a resumed run continues from.</summary>
    public string TrainingStatePath => FilePath(TrainingStateFile);

    /// <summary>True when an unfinished run left its training state here.</summary>
    public bool HasTrainingState => File.Exists(TrainingStatePath);

    /// <summary>
    /// Removes the training state: the last step of a finished run, once the model and every file written beside it
    /// are in place (until then a killed run resumes from the state and completes the folder).
    /// </summary>
    public void RemoveTrainingState() => File.Delete(TrainingStatePath);

    /// <summary>Saves <paramref name="tokenizer"/>'s weights as the checkpoint of <paramref name="epoch"/>, then commits it by swapping config.json.</summary>
    internal void SaveCheckpoint(RqVaeTokenizer tokenizer, int epoch, IReadOnlyDictionary<string, string> facts)
    {
        var weightsFile = $"{CheckpointPrefix}{epoch:D4}.safetensors";
        tokenizer.Save(Path, weightsFile, new Dictionary<string, string>(facts) { [CheckpointEpochFact] = epoch.ToString(CultureInfo.InvariantCulture) });
        DeleteCheckpointsExcept(weightsFile);
    }

    /// <summary>Saves the finished model (weights + config.json) and removes the epoch checkpoints.</summary>
    internal void SaveFinal(Tokenizers.ISemanticIdTokenizer tokenizer, IReadOnlyDictionary<string, string> facts)
    {
        tokenizer.Save(Path, facts);
        DeleteCheckpointsExcept(WeightsFile);
    }

    /// <summary>The epoch of the checkpoint config.json names, or null when it names the final weights or nothing.</summary>
    public int? CheckpointEpoch()
    {
        try
        {
            var config = ModelConfig.Read(FilePath(ConfigFile));
            return config.Training?.TryGetValue(CheckpointEpochFact, out var e) == true && int.TryParse(e, CultureInfo.InvariantCulture, out var epoch) ? epoch : null;
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }

    /// <summary>Writes <paramref name="value"/> as indented camelCase JSON to <paramref name="name"/>, atomically.</summary>
    public void WriteJson<T>(string name, T value) => AtomicFile.WriteAllText(FilePath(name), ToJson(value) + "\n");

    /// <summary><paramref name="value"/> as the folder's JSON files write it: indented, camelCase, enums by name.</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    private void DeleteCheckpointsExcept(string keep)
    {
        foreach (var file in Directory.EnumerateFiles(Path, CheckpointPrefix + "*.safetensors"))
            if (!string.Equals(System.IO.Path.GetFileName(file), keep, StringComparison.Ordinal))
                File.Delete(file);
    }
}
