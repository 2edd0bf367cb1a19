using RqVae.Tokenizers;
using RqVae.Model;
using RqVae.ResidualKMeans;

namespace RqVae.Cli.Models;

/// <summary>
/// A saved model of either kind, loaded by the <c>kind</c> in its <c>config.json</c> (an RQ-VAE, or residual
/// k-means), behind <see cref="ISemanticIdTokenizer"/>: encode, eval and similar work on both alike.
/// </summary>
internal sealed class ModelFolder : IDisposable
{
    private ModelFolder(string path, ModelConfig config, ISemanticIdTokenizer tokenizer)
    {
        Path = path;
        Config = config;
        Tokenizer = tokenizer;
    }

    /// <summary>The folder, as given.</summary>
    public string Path { get; }

    /// <summary>Its config.json.</summary>
    public ModelConfig Config { get; }

    /// <summary>The fitted model.</summary>
    public ISemanticIdTokenizer Tokenizer { get; }

    /// <summary>"rqvae" or "residual-kmeans".</summary>
    public string Kind => Config.Kind;

    /// <summary>SHA-256 of the weights file (checked against the file on load): identifies the model in ID tables.</summary>
    public string WeightsSha256 => Config.WeightsSha256.ToLowerInvariant();

    /// <summary>The beam the model encodes with unless told otherwise.</summary>
    public int SavedBeamWidth => Tokenizer switch
    {
        RqVaeTokenizer rq => rq.Options.BeamWidth,
        ResidualKMeansTokenizer rk => rk.Options.BeamWidth,
        _ => 1,
    };

    /// <summary>Loads <paramref name="path"/>; a folder that is not a model of a known kind raises <see cref="ModelFormatException"/> naming the file.</summary>
    public static ModelFolder Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Directory.Exists(path)) throw new ModelFormatException(path, "no such directory. Pass the folder that `rqvae train` wrote.");
        var configPath = System.IO.Path.Combine(path, "config.json");
        var config = ModelConfig.Read(configPath);
        ISemanticIdTokenizer tokenizer = config.Kind switch
        {
            RqVaeTokenizer.Kind => RqVaeTokenizer.Load(path),
            ResidualKMeansTokenizer.Kind => ResidualKMeansTokenizer.Load(path),
            _ => throw new ModelFormatException(configPath, $"kind \"{config.Kind}\" is not a model kind this tool knows ({RqVaeTokenizer.Kind}, {ResidualKMeansTokenizer.Kind}); it may come from a newer rqvae."),
        };
        return new ModelFolder(path, config, tokenizer);
    }

    /// <summary>Refuses items whose vectors do not have the width the model was trained on.</summary>
    public void CheckDimension(int dimension, string itemsPath)
    {
        if (dimension == Tokenizer.InputDimension) return;
        throw new CliException(
            $"'{itemsPath}' has {dimension} features per item but the model in '{Path}' takes {Tokenizer.InputDimension}. " +
            "Give the same kind of features the model was trained on (same columns, or --text-column for a model trained on texts).");
    }

    public void Dispose() => Tokenizer.Dispose();
}
