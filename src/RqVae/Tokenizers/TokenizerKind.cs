using RqVae.Model;

namespace RqVae.Tokenizers;

/// <summary>The typed base of a tokenizer kind: options of type <typeparamref name="TOptions"/>.</summary>
/// <typeparam name="TOptions">The kind's training options.</typeparam>
public abstract class TokenizerKind<TOptions> : ITokenizerKind where TOptions : class, new()
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
    public virtual bool SupportsResume => false;

    /// <inheritdoc />
    public object CreateDefaultOptions() => new TOptions();

    /// <inheritdoc />
    public object ValidateOptions(object options) => Validate(Cast(options));

    /// <inheritdoc />
    public long SeedOf(object options) => Seed(Cast(options));

    /// <inheritdoc />
    public object OptionsFor(object options, int dimension) => OptionsFor(Cast(options), dimension);

    /// <inheritdoc />
    public Training.Resources.TrainingMemoryEstimate? EstimateMemory(object options, long rows, int dimension) => EstimateMemory(Cast(options), rows, dimension);

    /// <inheritdoc />
    public TokenizerTrainingResult Train(object options, TokenizerTrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Train(Validate(Cast(options)), request);
    }

    /// <inheritdoc />
    public abstract ISemanticIdTokenizer Load(string directory, ModelConfig config, string configPath);

    /// <summary>Validates the options; throws <see cref="ArgumentException"/> naming the member.</summary>
    protected abstract TOptions Validate(TOptions options);

    /// <summary>The seed of the options.</summary>
    protected abstract long Seed(TOptions options);

    /// <summary>The options with the settings that come from the data filled in; by default, the options as given.</summary>
    protected virtual TOptions OptionsFor(TOptions options, int dimension) => options;

    /// <summary>The memory a run needs; by default none is estimated.</summary>
    protected virtual Training.Resources.TrainingMemoryEstimate? EstimateMemory(TOptions options, long rows, int dimension) => null;

    /// <summary>Trains with validated options.</summary>
    protected abstract TokenizerTrainingResult Train(TOptions options, TokenizerTrainingRequest request);

    private TOptions Cast(object options) => options as TOptions
        ?? throw new ArgumentException($"A {DisplayName} takes {typeof(TOptions).Name}, not {options?.GetType().Name ?? "null"}.", nameof(options));
}
