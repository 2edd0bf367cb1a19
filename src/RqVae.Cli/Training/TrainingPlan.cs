using RqVae.ResidualKMeans;
using RqVae.Training;

namespace RqVae.Cli.Training;

/// <summary>The kinds of tokenizer the tool trains.</summary>
internal enum TokenizerKind
{
    /// <summary>The residual-quantized VAE (encoder, residual quantizer, decoder), trained by gradient descent.</summary>
    RqVae,

    /// <summary>Residual k-means on the inputs: no network, fitted in seconds.</summary>
    ResidualKMeans,
}

/// <summary>What to train and how: the tokenizer kind, the settings of each kind, and checkpointing (RQ-VAE only).</summary>
internal sealed record TrainingPlan(TokenizerKind Kind, RqVaeTrainerOptions RqVae, ResidualKMeansOptions ResidualKMeans, CheckpointPlan Checkpoints)
{
    /// <summary>"RQ-VAE" or "residual k-means", for headings.</summary>
    public string DisplayName => Kind == TokenizerKind.RqVae ? "RQ-VAE" : "residual k-means";

    /// <summary>The settings of the chosen kind (recorded in training.json and the report).</summary>
    public object Settings => Kind == TokenizerKind.RqVae ? RqVae : ResidualKMeans;

    /// <summary>The seed of the chosen kind.</summary>
    public long Seed => Kind == TokenizerKind.RqVae ? RqVae.Seed : ResidualKMeans.Seed;
}
