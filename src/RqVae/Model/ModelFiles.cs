using System.Security.Cryptography;
using RqVae.IO;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Model;

/// <summary>
/// The files of a model folder that both tokenizers share: weights as safetensors (state_dict names as
/// PyTorch writes them) identified by their SHA-256, and config.json naming them. Written weights first,
/// each atomically, so the config never names weights that are not there.
/// </summary>
internal static class ModelFiles
{
    /// <summary>The config file of a model folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The weights file of a finished model.</summary>
    public const string DefaultWeightsFile = "model.safetensors";

    /// <summary>
    /// The config of the model folder <paramref name="directory"/> and its path, after checking that it is a model of
    /// kind <paramref name="kind"/> (<paramref name="description"/>, e.g. "an RQ-VAE", for the message).
    /// </summary>
    public static (ModelConfig Config, string Path) ReadConfig(string directory, string kind, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory)) throw new ModelFormatException(directory, "no such directory. Pass the folder that `rqvae train` wrote.");
        var configPath = Path.Combine(directory, ConfigFileName);
        var config = ModelConfig.Read(configPath);
        if (config.Kind != kind) throw new ModelFormatException(configPath, $"this is a \"{config.Kind}\" model, not {description}; load it with the matching tokenizer.");
        return (config, configPath);
    }

    /// <summary>The module's weights as the bytes of a safetensors file, and their SHA-256 (hex).</summary>
    public static (byte[] Bytes, string Sha256) Weights(nn.Module module)
    {
        using var buffer = new MemoryStream();
        module.save_safetensors(buffer, leaveOpen: true);
        var bytes = buffer.ToArray();
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Writes <paramref name="weights"/> and then <paramref name="config"/> (which must carry their SHA-256) into <paramref name="directory"/>.</summary>
    public static void Save(string directory, byte[] weights, ModelConfig config)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        IO.AtomicFile.WriteAllBytes(Path.Combine(directory, config.WeightsFile), weights);
        (config with { ModelSha256 = ModelIdentity.Compute(config) }).Write(Path.Combine(directory, ConfigFileName));
    }

    /// <summary>
    /// The bytes of the weights file <paramref name="config"/> names, after checking that it exists and matches the
    /// recorded SHA-256; <paramref name="weightsPath"/> receives its path for later messages.
    /// </summary>
    public static byte[] ReadVerifiedWeights(string directory, ModelConfig config, out string weightsPath)
    {
        weightsPath = Path.Combine(directory, config.WeightsFile);
        if (!File.Exists(weightsPath)) throw new ModelFormatException(weightsPath, "the weights file named by config.json is missing.");
        // Opening a FIFO would block until a writer appears, and a device could stream forever.
        if (FileKind.DescribeIfNotRegular(weightsPath) is { } kind) throw new ModelFormatException(weightsPath, $"the weights file is a {kind}, not a regular file; a model folder holds the files `rqvae train` wrote.");
        var bytes = File.ReadAllBytes(weightsPath);
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), config.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelFormatException(weightsPath, "the weights do not match the SHA-256 recorded in config.json: the file was changed, corrupted, or comes from another model.");
        return bytes;
    }

    /// <summary>
    /// Loads <paramref name="bytes"/> (a weights file whose header is <paramref name="entries"/>) into <paramref name="module"/>,
    /// after checking that every tensor the module has is there as float32 of its shape and that nothing else is; the
    /// message names the first tensor that differs, so a config and weights from different models are told apart.
    /// </summary>
    public static void LoadWeights(nn.Module module, byte[] bytes, IReadOnlyList<SafetensorsEntry> entries, string path)
    {
        var expected = module.state_dict();
        var found = entries.ToDictionary(e => e.Name);
        foreach (var (name, tensor) in expected)
        {
            if (!found.TryGetValue(name, out var entry))
                throw new ModelFormatException(path, $"tensor \"{name}\" required by the architecture in config.json is missing; config and weights come from different models.");
            if (entry.DType != "F32" || !entry.Shape.SequenceEqual(tensor.shape))
                throw new ModelFormatException(path, $"tensor \"{name}\" is {entry.DType} [{string.Join(", ", entry.Shape)}] but the architecture in config.json needs F32 [{string.Join(", ", tensor.shape)}]; config and weights disagree.");
        }
        var extra = found.Keys.Except(expected.Keys).FirstOrDefault();
        if (extra is not null) throw new ModelFormatException(path, $"tensor \"{extra}\" is not part of the architecture in config.json; config and weights disagree.");
        using var stream = new MemoryStream(bytes, writable: false);
        module.load_safetensors(stream, strict: true);
    }
}
