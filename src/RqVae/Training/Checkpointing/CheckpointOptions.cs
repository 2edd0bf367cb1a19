namespace RqVae.Training.Checkpointing;

/// <summary>
/// Where and how often a training run saves its complete state (weights, optimizer, schedule step,
/// position in the epoch and random-number state), so a run that is killed can continue with
/// <see cref="Resume"/> and end with exactly the weights an uninterrupted run would have.
/// </summary>
public sealed record CheckpointOptions
{
    /// <summary>The checkpoint file. It is replaced atomically each time, so it is always either the previous or the new complete checkpoint. Required.</summary>
    public required string Path { get; init; }

    /// <summary>Write a checkpoint after every this many optimizer steps; 0 turns step checkpoints off. Default 0.</summary>
    public long EverySteps { get; init; }

    /// <summary>Write a checkpoint after every this many completed epochs; 0 turns epoch checkpoints off. Default 1.</summary>
    public int EveryEpochs { get; init; } = 1;

    /// <summary>
    /// When true and <see cref="Path"/> exists, continue from it instead of starting afresh; the run's options and
    /// data must be the ones the checkpoint was made with. When false an existing checkpoint is overwritten. Default false.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public CheckpointOptions Validate()
    {
        Model.RqVaeOptions.Require(!string.IsNullOrWhiteSpace(Path), nameof(Path), "must name the checkpoint file");
        Model.RqVaeOptions.Require(EverySteps >= 0, nameof(EverySteps), $"must be ≥ 0 (got {EverySteps})");
        Model.RqVaeOptions.Require(EveryEpochs >= 0, nameof(EveryEpochs), $"must be ≥ 0 (got {EveryEpochs})");
        return this;
    }
}
