using RqVae.Metrics;

namespace RqVae.Training;

/// <summary>What one epoch did: mean loss terms over its steps, and (when evaluated) the full metrics on the training data.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Steps">Steps taken so far in the run.</param>
/// <param name="MeanLoss">Mean of each loss term over the epoch's steps.</param>
/// <param name="LearningRate">The rate of the epoch's last step.</param>
/// <param name="Elapsed">Wall time since training started (k-means initialisation included).</param>
/// <param name="Evaluation">Metrics on all the training items with the weights at the end of the epoch, or null when not evaluated.</param>
public sealed record EpochMetrics(int Epoch, long Steps, LossTerms MeanLoss, double LearningRate, TimeSpan Elapsed, EvaluationReport? Evaluation)
{
    /// <summary>Dead codes re-seeded during this epoch, all levels together (0 when dead-code reset is off).</summary>
    public long CodeResets { get; init; }

    /// <summary>
    /// Metrics on the monitor sample at the end of the epoch when a convergence check ran then (a step-budgeted run,
    /// every <see cref="RqVaeTrainerOptions.ConvergenceCheckSteps"/> steps), else null; see <see cref="ConvergenceRule"/>.
    /// </summary>
    public EvaluationReport? Monitor { get; init; }
}
