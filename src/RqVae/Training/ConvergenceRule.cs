using RqVae.Metrics;

namespace RqVae.Training;

/// <summary>
/// When a step-budgeted run has converged: the monitor evaluations of its history (<see cref="EpochMetrics.Monitor"/>) have
/// gone <see cref="RqVaeTrainerOptions.ConvergencePatience"/> checks in a row without any of mean cosine, raw collision rate and
/// mean perplexity share beating its best by <see cref="RqVaeTrainerOptions.ConvergenceTolerance"/>. A pure function of the
/// history, which training checkpoints carry, so a resumed run stops where the uninterrupted one would.
/// </summary>
public static class ConvergenceRule
{
    /// <summary>True when the checks recorded in <paramref name="history"/> say training has stopped improving.</summary>
    public static bool HasConverged(IReadOnlyList<EpochMetrics> history, RqVaeTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConvergencePatience <= 0) return false;
        return ChecksSinceImprovement(history, options.ConvergenceTolerance) >= options.ConvergencePatience;
    }

    /// <summary>
    /// How many checks, counted back from the last, have not improved on the best before them (the first check always
    /// improves: there is nothing before it).
    /// </summary>
    public static int ChecksSinceImprovement(IReadOnlyList<EpochMetrics> history, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(history);
        double bestCosine = double.NegativeInfinity, bestCollisions = double.PositiveInfinity, bestPerplexity = double.NegativeInfinity;
        var since = 0;
        foreach (var monitor in history.Select(h => h.Monitor).OfType<EvaluationReport>())
        {
            var cosine = monitor.Reconstruction.MeanCosine;
            var collisions = monitor.Collisions.CollisionRate;
            var perplexity = PerplexityShare(monitor);
            var improved = cosine > bestCosine + tolerance || collisions < bestCollisions - tolerance || perplexity > bestPerplexity + tolerance;
            since = improved ? 0 : since + 1;
            bestCosine = Math.Max(bestCosine, cosine);
            bestCollisions = Math.Min(bestCollisions, collisions);
            bestPerplexity = Math.Max(bestPerplexity, perplexity);
        }
        return since;
    }

    /// <summary>The step of the last check in <paramref name="history"/>, 0 when there is none.</summary>
    public static long LastCheckStep(IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return history.LastOrDefault(h => h.Monitor is not null)?.Steps ?? 0;
    }

    // Mean over levels of perplexity / K: 1 when every level uses its codes uniformly.
    private static double PerplexityShare(EvaluationReport report)
        => report.Levels.Count == 0 ? 0 : report.Levels.Average(l => l.Perplexity / l.CodebookSize);
}
