using RqVae.Metrics;

namespace RqVae.Training;

/// <summary>
/// When a step-budgeted run has converged: the monitor evaluations of its history (<see cref="EpochMetrics.Monitor"/>) have
/// gone <see cref="RqVaeTrainerOptions.ConvergencePatience"/> checks in a row without any of mean cosine, raw collision rate and
/// mean perplexity share beating its best by <see cref="RqVaeTrainerOptions.ConvergenceTolerance"/>; the run then cools down
/// (<see cref="CooldownSchedule"/>) and ends. A pure function of the history, which training checkpoints carry, so a resumed
/// run stops where the uninterrupted one would.
/// </summary>
public static class ConvergenceRule
{
    /// <summary>True when the checks recorded in <paramref name="history"/> say training has stopped improving.</summary>
    public static bool HasConverged(IReadOnlyList<EpochMetrics> history, RqVaeTrainerOptions options) => ConvergedAt(history, options) is not null;

    /// <summary>The epoch whose check first found the run converged, or null when none has (or the stop is off).</summary>
    public static EpochMetrics? ConvergedAt(IReadOnlyList<EpochMetrics> history, RqVaeTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConvergencePatience <= 0) return null;
        return Checks(history, options.ConvergenceTolerance).FirstOrDefault(c => c.Since >= options.ConvergencePatience).Epoch;
    }

    /// <summary>
    /// How many checks, counted back from the last, have not improved on the best before them (the first check always
    /// improves: there is nothing before it).
    /// </summary>
    public static int ChecksSinceImprovement(IReadOnlyList<EpochMetrics> history, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Checks(history, tolerance).LastOrDefault().Since;
    }

    // Each checked epoch with the number of checks, itself included, since the last one that improved.
    private static IEnumerable<(EpochMetrics? Epoch, int Since)> Checks(IReadOnlyList<EpochMetrics> history, double tolerance)
    {
        double bestCosine = double.NegativeInfinity, bestCollisions = double.PositiveInfinity, bestPerplexity = double.NegativeInfinity;
        var since = 0;
        foreach (var epoch in history)
        {
            if (epoch.Monitor is not { } monitor) continue;
            var cosine = monitor.Reconstruction.MeanCosine;
            var collisions = monitor.Collisions.CollisionRate;
            var perplexity = PerplexityShare(monitor);
            var improved = cosine > bestCosine + tolerance || collisions < bestCollisions - tolerance || perplexity > bestPerplexity + tolerance;
            since = improved ? 0 : since + 1;
            bestCosine = Math.Max(bestCosine, cosine);
            bestCollisions = Math.Min(bestCollisions, collisions);
            bestPerplexity = Math.Max(bestPerplexity, perplexity);
            yield return (epoch, since);
        }
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
