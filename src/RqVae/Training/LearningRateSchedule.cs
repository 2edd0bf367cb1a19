namespace RqVae.Training;

/// <summary>
/// A multiplier of the base learning rate as a function of the 1-based optimizer step: the rate used
/// by step s is <c>LearningRate × Factor(s)</c>.
/// </summary>
public abstract record LearningRateSchedule
{
    /// <summary>The multiplier for step <paramref name="step"/> (1-based).</summary>
    public abstract double Factor(long step);

    /// <summary>Builds the schedule that <paramref name="options"/> names for a run of <paramref name="totalSteps"/> steps.</summary>
    public static LearningRateSchedule Create(RqVaeTrainerOptions options, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        var warmup = options.WarmupSteps ?? (long)Math.Round(options.WarmupFraction * totalSteps);
        return options.Schedule switch
        {
            ScheduleKind.Constant => new ConstantSchedule(),
            ScheduleKind.WarmupStepDecay => new WarmupStepDecaySchedule(warmup, options.StepDecayRate, options.StepDecayInterval),
            ScheduleKind.WarmupCosine => new WarmupCosineSchedule(warmup, totalSteps, options.MinLearningRateFactor),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown schedule."),
        };
    }
}

/// <summary>The same rate at every step.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step) => 1.0;
}

/// <summary>
/// The reference pseudo-code's <c>WarmupScheduler</c>: linear warm-up s / W for s ≤ W, then
/// <c>rate^⌊(s − W) / interval⌋</c> (0.95 every 1000 steps by default).
/// </summary>
public sealed record WarmupStepDecaySchedule(long WarmupSteps, double Rate = 0.95, long Interval = 1000) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return (double)step / WarmupSteps;
        return Math.Pow(Rate, (step - WarmupSteps) / Interval);
    }
}

/// <summary>
/// Linear warm-up s / W for s ≤ W, then a half cosine from 1 down to <see cref="MinFactor"/> at the last step:
/// <c>min + (1 − min)·(1 + cos(π·(s − W)/(T − W)))/2</c>.
/// </summary>
public sealed record WarmupCosineSchedule(long WarmupSteps, long TotalSteps, double MinFactor = 0.0) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double Factor(long step)
    {
        if (WarmupSteps > 0 && step <= WarmupSteps) return (double)step / WarmupSteps;
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
