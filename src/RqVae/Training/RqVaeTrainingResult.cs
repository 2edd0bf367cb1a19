using RqVae.Model;

namespace RqVae.Training;

/// <summary>A trained model and the history of its training. Disposing it disposes the model.</summary>
/// <param name="Tokenizer">The fitted model, ready for inference.</param>
/// <param name="History">One entry per epoch.</param>
public sealed record RqVaeTrainingResult(RqVaeTokenizer Tokenizer, IReadOnlyList<EpochMetrics> History) : IDisposable
{
    /// <summary>The epoch whose weights <see cref="Tokenizer"/> holds (by <see cref="RqVaeTrainerOptions.CheckpointSelection"/>); null means the last.</summary>
    public int? SelectedEpoch { get; init; }

    /// <summary>True when training stopped before its step budget because the monitor metrics had converged (<see cref="ConvergenceRule"/>).</summary>
    public bool Converged { get; init; }

    /// <inheritdoc />
    public void Dispose() => Tokenizer.Dispose();
}
