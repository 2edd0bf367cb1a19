namespace RqVae.Training;

/// <summary>
/// The learning rate of a run that has converged: the run's own schedule up to the step of the converging check, then a
/// half cosine from that step's factor down to the floor over the cool-down, after which the run ends. The metrics of a run
/// plateau at the level its current rate allows, so ending at the plateau would keep weights that a falling rate still
/// improves; the same reasoning is behind warm-up–stable–decay schedules, which can be cut short at any point the same way.
/// </summary>
/// <param name="Before">The run's schedule, followed up to <paramref name="StartStep"/>.</param>
/// <param name="StartStep">The step at whose end the run was found converged.</param>
/// <param name="StartFactor">The factor of <paramref name="Before"/> at that step.</param>
/// <param name="Steps">Length of the cool-down in steps (whole epochs).</param>
/// <param name="MinFactor">Where the cool-down ends.</param>
/// <param name="LastEpoch">The epoch the cool-down, and the run, end with.</param>
public sealed record CooldownSchedule(LearningRateSchedule Before, long StartStep, double StartFactor, long Steps, double MinFactor, int LastEpoch) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step)
    {
        if (step <= StartStep) return Before.Factor(step);
        var progress = Math.Clamp((double)(step - StartStep) / Steps, 0, 1);
        return MinFactor + (StartFactor - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>
    /// The cool-down after <paramref name="converged"/>, the epoch whose check found the run converged: whole epochs covering
    /// <see cref="RqVaeTrainerOptions.CooldownFraction"/> of its steps (at least one). Null when nothing has converged, or
    /// when the run's own schedule ends no later than the cool-down would (the run then simply finishes).
    /// </summary>
    public static CooldownSchedule? After(EpochMetrics? converged, LearningRateSchedule schedule, RqVaeTrainerOptions options, int stepsPerEpoch, int plannedEpochs)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        if (converged is null) return null;
        var epochs = (int)Math.Max(1, Math.Ceiling(options.CooldownFraction * converged.Steps / stepsPerEpoch));
        var last = converged.Epoch + epochs;
        if (last >= plannedEpochs) return null;
        var startFactor = schedule.Factor(converged.Steps);
        return new CooldownSchedule(schedule, converged.Steps, startFactor, (long)epochs * stepsPerEpoch, Math.Min(options.MinLearningRateFactor, startFactor), last);
    }
}
