using RqVae.Model;

namespace RqVae.Tokenizers;

/// <summary>When a run saves its progress, and whether it continues an earlier one.</summary>
/// <param name="EveryEpochs">Every this many epochs: the weights (so the folder loads as that model) and the training state; 0: neither, until the end.</param>
/// <param name="EverySteps">Every this many optimizer steps: the training state only; 0: off.</param>
/// <param name="Resume">Continue from the training state in the model directory.</param>
public sealed record CheckpointSchedule(int EveryEpochs = 1, long EverySteps = 0, bool Resume = false)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public CheckpointSchedule Validate()
    {
        if (EveryEpochs < 0) throw new ArgumentException($"{nameof(EveryEpochs)} must be 0 or more (got {EveryEpochs}).", nameof(EveryEpochs));
        if (EverySteps < 0) throw new ArgumentException($"{nameof(EverySteps)} must be 0 or more (got {EverySteps}).", nameof(EverySteps));
        return this;
    }
}

/// <summary>What a tokenizer kind trains on and where it writes.</summary>
/// <param name="Features">The items' feature vectors, row-major; must be finite.</param>
/// <param name="Dimension">Values per item.</param>
/// <param name="Directory">The model directory: the kind saves the model there, and its checkpoints while it trains.</param>
public sealed record TokenizerTrainingRequest(float[] Features, int Dimension, ModelDirectory Directory)
{
    /// <summary>Checkpoints and resume. Default: weights and state after every epoch, no resume.</summary>
    public CheckpointSchedule Checkpoints { get; init; } = new();

    /// <summary>How the data were made (source, embedder, …), recorded in config.json.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    /// <summary>Told as the run advances.</summary>
    public IProgress<TokenizerTrainingProgress>? Progress { get; init; }

    /// <summary>Receives warnings that do not stop training.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>
    /// Leave the training state (<see cref="ModelDirectory.TrainingStateFile"/>) in the directory after the final model is
    /// saved, for a caller that writes more files there afterwards (metrics, a report): it removes the state with
    /// <see cref="ModelDirectory.RemoveTrainingState"/> once everything is in place, so a process killed anywhere in
    /// between leaves a folder that a resumed run completes. Default false: the kind removes the state itself.
    /// </summary>
    public bool KeepTrainingState { get; init; }

    /// <summary>Stops the run cleanly: the result is then marked cancelled and holds the last complete checkpoint, if any.</summary>
    public CancellationToken CancellationToken { get; init; }
}
