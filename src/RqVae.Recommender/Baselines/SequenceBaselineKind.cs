namespace RqVae.Recommender.Baselines;

/// <summary>
/// The kind of a counting baseline (<see cref="SequenceBaseline"/>): fitting is building the counts from the training
/// sequences, in one pass with nothing to report but the time, and loading is building them again from the saved
/// sequences, so a new baseline only says how to build its recommender.
/// </summary>
/// <typeparam name="TOptions">The baseline's options record.</typeparam>
public abstract class SequenceBaselineKind<TOptions> : RecommenderKind<TOptions>
    where TOptions : class, new()
{
    /// <summary>The fitted baseline over <paramref name="sequences"/> (dense item indices of a catalogue of <paramref name="itemCount"/>).</summary>
    protected abstract SequenceBaseline Create(int itemCount, IReadOnlyList<int[]> sequences, TOptions options);

    /// <inheritdoc />
    protected sealed override IRecommender Fit(RecommenderTrainingData data, TOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var fitted = Create(data.ItemCount, data.TrainingSequences, options);
        // One pass: no loss and no validation score, so both are NaN.
        progress?.Report(new RecommenderTrainingProgress(1, 1, double.NaN, double.NaN, 1, started.Elapsed));
        return fitted;
    }

    /// <inheritdoc />
    protected sealed override IRecommender Load(string directory, RecommenderConfig config, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Create(config.ItemCount, SequenceBaseline.ReadSequences(directory, config), options);
    }
}
