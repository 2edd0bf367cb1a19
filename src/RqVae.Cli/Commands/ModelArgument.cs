using System.CommandLine;

namespace RqVae.Cli.Commands;

/// <summary>The MODEL argument shared by encode, eval and similar.</summary>
internal static class ModelArgument
{
    public static Argument<string> Create() => new("model")
    {
        Description = "A model folder written by `rqvae train` (config.json + weights): an RQ-VAE or residual k-means, told apart by config.json's kind.",
    };
}
