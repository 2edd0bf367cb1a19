using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using RqVae.IO;
using RqVae.Model;
using TorchSharp.PyBridge;

namespace RqVae.Cli.Training;

/// <summary>
/// The folder <c>rqvae train</c> writes. Its model files are those of <see cref="RqVaeTokenizer.Save"/>
/// (<c>config.json</c> + weights), so <see cref="RqVaeTokenizer.Load"/> reads it; beside them the
/// tool keeps the training log, the metrics and the report.
/// </summary>
/// <remarks>
/// During training the weights of the last complete epoch are written to
/// <c>checkpoint-epoch-NNNN.safetensors</c> and only then is <c>config.json</c> replaced (atomically)
/// by one naming that file and its SHA-256. The config swap is the commit point: whenever the process
/// dies, config.json names a complete weights file that matches its hash, so the folder always loads.
/// </remarks>
internal sealed class ModelDirectory
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string TrainingLogFile = "training.json";
    public const string MetricsFile = "metrics.json";
    public const string ReportFile = "report.html";

    /// <summary>The complete training state (<see cref="RqVae.Training.Checkpointing.TrainingCheckpoint"/>) that <c>--resume</c> continues from; removed when training finishes.</summary>
    public const string TrainingStateFile = "training.ckpt";
    private const string CheckpointPrefix = "checkpoint-epoch-";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <param name="path">Where the files are written.</param>
    /// <param name="displayPath">Where the folder ends up, for messages (differs from <paramref name="path"/> while an --overwrite run is staged beside it).</param>
    public ModelDirectory(string path, string? displayPath = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        DisplayPath = displayPath is null ? Path : System.IO.Path.GetFullPath(displayPath);
        if (File.Exists(Path)) throw new CliException($"'{path}' is a file; the model output must be a folder (it holds config.json, the weights, metrics and the report).");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Where the folder ends up once the command has finished.</summary>
    public string DisplayPath { get; }

    /// <summary><paramref name="name"/> inside <see cref="DisplayPath"/>, for messages.</summary>
    public string DisplayFilePath(string name) => System.IO.Path.Combine(DisplayPath, name);

    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Saves the weights of <paramref name="module"/> as the checkpoint of <paramref name="epoch"/>, then commits it by swapping config.json.</summary>
    public void SaveCheckpoint(RqVaeModule module, int epoch, IReadOnlyDictionary<string, string> facts)
    {
        using var buffer = new MemoryStream();
        module.save_safetensors(buffer, leaveOpen: true);
        var bytes = buffer.ToArray();
        var weightsFile = $"{CheckpointPrefix}{epoch:D4}.safetensors";
        AtomicFile.WriteAllBytes(FilePath(weightsFile), bytes);
        new ModelConfig
        {
            Kind = RqVaeTokenizer.Kind,
            Model = module.Options,
            WeightsFile = weightsFile,
            WeightsSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Training = new Dictionary<string, string>(facts) { ["checkpointEpoch"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }.Write(FilePath(ConfigFile));
        DeleteCheckpointsExcept(weightsFile);
    }

    /// <summary>Saves the finished model (model.safetensors + config.json) and removes the epoch checkpoints.</summary>
    public void SaveFinal(RqVaeTokenizer tokenizer, IReadOnlyDictionary<string, string> facts)
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
            return config.Training?.TryGetValue("checkpointEpoch", out var e) == true && int.TryParse(e, out var epoch) ? epoch : null;
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }

    public void WriteJson<T>(string name, T value) => AtomicFile.WriteAllText(FilePath(name), JsonSerializer.Serialize(value, Json) + "\n");

    private void DeleteCheckpointsExcept(string keep)
    {
        foreach (var file in Directory.EnumerateFiles(Path, CheckpointPrefix + "*.safetensors"))
            if (!string.Equals(System.IO.Path.GetFileName(file), keep, StringComparison.Ordinal))
                File.Delete(file);
    }
}
