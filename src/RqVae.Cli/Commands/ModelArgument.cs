using System.CommandLine;
using RqVae.Model;

namespace RqVae.Cli.Commands;

/// <summary>The MODEL argument shared by encode, eval and similar, and the check that items fit the model.</summary>
internal static class ModelArgument
{
    public static Argument<string> Create() => new("model")
    {
        Description = "A model folder written by `rqvae train` (config.json + weights).",
    };

    /// <summary>Loads the model; a folder that is not a model raises <see cref="ModelFormatException"/> naming the file at fault.</summary>
    public static RqVaeTokenizer Load(string path) => RqVaeTokenizer.Load(path);

    /// <summary>Refuses items whose vectors do not have the width the model was trained on.</summary>
    public static void CheckDimension(int dimension, string itemsPath, RqVaeTokenizer model, string modelPath)
    {
        if (dimension == model.InputDimension) return;
        throw new CliException(
            $"'{itemsPath}' has {dimension} features per item but the model in '{modelPath}' takes {model.InputDimension}. " +
            "Give the same kind of features the model was trained on (same columns, or --text-column for a model trained on texts).");
    }
}
