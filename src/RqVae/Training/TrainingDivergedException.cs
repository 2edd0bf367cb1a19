namespace RqVae.Training;

/// <summary>
/// Training stopped because a loss term, the gradient norm or a weight became NaN or infinite. Nothing after
/// the last good checkpoint was written; <see cref="LastCheckpoint"/> names it when there is one.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">1-based optimizer step at which the value became non-finite.</param>
    /// <param name="term">What became non-finite, e.g. "reconstruction loss".</param>
    /// <param name="value">The offending value.</param>
    /// <param name="lastCheckpoint">The last checkpoint with finite weights, if any.</param>
    public TrainingDivergedException(long step, string term, double value, string? lastCheckpoint = null)
        : base(Compose(step, term, value, lastCheckpoint))
    {
        Step = step;
        Term = term;
        Value = value;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>1-based optimizer step at which the value became non-finite.</summary>
    public long Step { get; }

    /// <summary>What became non-finite: "reconstruction loss", "commitment loss", "codebook loss", "total loss", "gradient norm" or "weight &lt;name&gt;".</summary>
    public string Term { get; }

    /// <summary>The offending value (NaN or ±∞).</summary>
    public double Value { get; }

    /// <summary>The last checkpoint with finite weights, or null when none was written.</summary>
    public string? LastCheckpoint { get; }

    /// <summary>The same exception, naming the checkpoint to resume from.</summary>
    internal TrainingDivergedException WithCheckpoint(string? path) => new(Step, Term, Value, path);

    private static string Compose(long step, string term, double value, string? lastCheckpoint)
        => $"Training diverged at step {step}: the {term} is {value}. "
           + (lastCheckpoint is null ? "No checkpoint was written before it. " : $"The last good checkpoint is {lastCheckpoint} (it holds finite weights). ")
           + "Lower the learning rate, keep gradient clipping on, and check the features for extreme values.";
}
