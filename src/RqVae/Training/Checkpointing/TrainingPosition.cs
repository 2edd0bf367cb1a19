namespace RqVae.Training.Checkpointing;

/// <summary>
/// Where a run stands between two optimizer steps: the epoch in progress, the first row of its next batch
/// (in the epoch's shuffled order), the steps taken, and what the epoch has accumulated so far.
/// </summary>
/// <param name="Epoch">1-based epoch in progress.</param>
/// <param name="NextBatchStart">Offset into the epoch's shuffled order of the next batch; the row count when the epoch's steps are done but its evaluation is not.</param>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="EpochLossSum">Sum of the loss terms of the epoch's steps so far.</param>
/// <param name="Elapsed">Training time before this point (earlier sessions included).</param>
/// <param name="History">Metrics of the epochs already completed.</param>
internal sealed record TrainingPosition(int Epoch, int NextBatchStart, long Step, LossTerms EpochLossSum, TimeSpan Elapsed, IReadOnlyList<EpochMetrics> History)
{
    /// <summary>The beginning of a fresh run.</summary>
    public static TrainingPosition Start { get; } = new(1, 0, 0, default, TimeSpan.Zero, []);
}
