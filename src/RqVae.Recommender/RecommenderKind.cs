using System.Text.Json;

namespace RqVae.Recommender;

/// <summary>The typed base of a recommender kind: options of type <typeparamref name="TOptions"/>.</summary>
/// <typeparam name="TOptions">The kind's options record.</typeparam>
public abstract class RecommenderKind<TOptions> : IRecommenderKind where TOptions : class, new()
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string DisplayName { get; }

    /// <inheritdoc />
    public abstract string Summary { get; }

    /// <inheritdoc />
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public virtual bool NeedsSemanticIds => false;

    /// <inheritdoc />
    public virtual bool NeedsItemEmbeddings => false;

    /// <inheritdoc />
    public virtual bool SupportsResume => false;

    /// <inheritdoc />
    public object CreateDefaultOptions() => new TOptions();

    /// <inheritdoc />
    public object ValidateOptions(object options) => Validate(Cast(options));

    /// <inheritdoc />
    public IRecommender Fit(RecommenderTrainingData data, object options, RecommenderFitSettings? settings = null, IProgress<RecommenderTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var typed = Validate(Cast(options));
        if (NeedsSemanticIds && data.SemanticIds is null)
            throw new RecommenderInputException($"{DisplayName} needs a semantic ID table for the items; pass one (--ids TABLE).");
        if (NeedsItemEmbeddings && data.ItemEmbeddings is null)
            throw new RecommenderInputException($"{DisplayName} needs a content embedding for every item; pass the items' features.");
        return Fit(data, typed, settings ?? new RecommenderFitSettings(), progress, cancellationToken);
    }

    /// <inheritdoc />
    public IRecommender Load(string directory, RecommenderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Load(directory, config, (TOptions)ValidateOptions(config.OptionsAs<TOptions>()));
    }

    /// <summary>Validates the options; throws <see cref="ArgumentException"/> naming the member.</summary>
    protected abstract TOptions Validate(TOptions options);

    /// <summary>Fits with validated options.</summary>
    protected abstract IRecommender Fit(RecommenderTrainingData data, TOptions options, RecommenderFitSettings settings, IProgress<RecommenderTrainingProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Loads a saved recommender whose options (from recommender.json) are <paramref name="options"/>.</summary>
    protected abstract IRecommender Load(string directory, RecommenderConfig config, TOptions options);

    /// <summary>The options as the JSON written to recommender.json.</summary>
    public static JsonElement OptionsJson(TOptions options) => JsonSerializer.SerializeToElement(options, RecommenderConfig.JsonOptions);

    private TOptions Cast(object options) => options as TOptions
        ?? throw new ArgumentException($"A {DisplayName} takes {typeof(TOptions).Name}, not {options?.GetType().Name ?? "null"}.", nameof(options));
}
