using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.Cli.Models;

/// <summary>A model folder given on the command line, loaded with the kind its <c>config.json</c> names.</summary>
internal sealed class ModelFolder : IDisposable
{
    private ModelFolder(string path, ISemanticIdTokenizer tokenizer)
    {
        Path = path;
        Tokenizer = tokenizer;
        Identity = tokenizer.Identity();
    }

    /// <summary>The folder, as given.</summary>
    public string Path { get; }

    /// <summary>The fitted model.</summary>
    public ISemanticIdTokenizer Tokenizer { get; }

    /// <summary>Identifies the loaded model (settings and weights) in the ID tables it writes and reads.</summary>
    public ModelIdentity Identity { get; }

    /// <summary>The hash the ID tables this model writes record.</summary>
    public string ModelHash => Identity.ModelSha256;

    /// <summary>Loads <paramref name="path"/>; a folder that is not a model of a known kind raises <see cref="ModelFormatException"/> naming the file.</summary>
    public static ModelFolder Load(string path) => new(path, TokenizerKinds.Load(path));

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
