using RqVae.Tokenizers;

namespace RqVae.Cli.Training;

/// <summary>What to train and how: the tokenizer kind, its options (validated), and checkpointing.</summary>
/// <param name="Kind">The kind of tokenizer.</param>
/// <param name="Options">Its training options, of <see cref="ITokenizerKind.OptionsType"/> (recorded in training.json and the report).</param>
/// <param name="Checkpoints">When to checkpoint, and whether to resume.</param>
internal sealed record TrainingPlan(ITokenizerKind Kind, object Options, CheckpointSchedule Checkpoints)
{
    /// <summary>"RQ-VAE" or "residual k-means", for headings.</summary>
    public string DisplayName => Kind.DisplayName;

    /// <summary>The seed of the run.</summary>
    public long Seed => Kind.SeedOf(Options);
}
