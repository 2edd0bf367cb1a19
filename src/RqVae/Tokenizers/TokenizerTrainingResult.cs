using RqVae.Training;

namespace RqVae.Tokenizers;

/// <summary>What a training run left in its model directory.</summary>
/// <param name="Tokenizer">The saved model (after a cancellation: the last complete checkpoint); null when nothing was saved.</param>
/// <param name="History">Completed epochs (empty for kinds without epochs).</param>
/// <param name="Cancelled">The run was stopped before its end.</param>
public sealed record TokenizerTrainingResult(ISemanticIdTokenizer? Tokenizer, IReadOnlyList<EpochMetrics> History, bool Cancelled) : IDisposable
{
    /// <summary>The epoch whose weights were saved, when the kind has epochs.</summary>
    public int? SavedEpoch { get; init; }

    /// <summary>True when the directory holds a training state that a resumed run can continue from.</summary>
    public bool Resumable { get; init; }

    /// <summary>Why training ended before its planned length, for the user (e.g. the codebook metrics converged); null when it ran to the end.</summary>
    public string? EarlyStop { get; init; }

    /// <inheritdoc />
    public void Dispose() => Tokenizer?.Dispose();
}
