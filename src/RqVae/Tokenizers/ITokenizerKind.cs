using RqVae.Model;

namespace RqVae.Tokenizers;

/// <summary>
/// One kind of tokenizer (an RQ-VAE, residual k-means, …): its name in <c>config.json</c>, its options type, and how
/// to train and load it. Everything outside the kind works through this and <see cref="ISemanticIdTokenizer"/>, so
/// a new kind is one class implementing it (see <see cref="TokenizerKind{TOptions}"/>), found by <see cref="TokenizerKinds"/>.
/// </summary>
public interface ITokenizerKind
{
    /// <summary>The name written as <c>kind</c> in <c>config.json</c> and given to <c>--tokenizer</c>, e.g. "rqvae".</summary>
    string Name { get; }

    /// <summary>How people call it, e.g. "RQ-VAE".</summary>
    string DisplayName { get; }

    /// <summary>One sentence on what it is, for help texts.</summary>
    string Summary { get; }

    /// <summary>The type of its training options (a record with documented defaults and a <c>Validate()</c> method).</summary>
    Type OptionsType { get; }

    /// <summary>True when an interrupted run can be resumed from its training state.</summary>
    bool SupportsResume { get; }

    /// <summary>A new options object with every default.</summary>
    object CreateDefaultOptions();

    /// <summary>Validates <paramref name="options"/> (of <see cref="OptionsType"/>); throws <see cref="ArgumentException"/> naming the member.</summary>
    object ValidateOptions(object options);

    /// <summary>The seed in <paramref name="options"/>, for the record of a run.</summary>
    long SeedOf(object options);

    /// <summary>The options as a run on items of <paramref name="dimension"/> values uses them (settings that come from the data filled in).</summary>
    object OptionsFor(object options, int dimension);

    /// <summary>What training with <paramref name="options"/> on <paramref name="rows"/> × <paramref name="dimension"/> needs in memory; null when the kind has no estimate.</summary>
    Training.Resources.TrainingMemoryEstimate? EstimateMemory(object options, long rows, int dimension);

    /// <summary>Trains on <paramref name="request"/>'s features with <paramref name="options"/>, writing into its model directory.</summary>
    TokenizerTrainingResult Train(object options, TokenizerTrainingRequest request);

    /// <summary>Loads the model of <paramref name="config"/> (already read from <paramref name="configPath"/>) in <paramref name="directory"/>.</summary>
    /// <exception cref="ModelFormatException">The folder does not hold a valid model of this kind; the message names the file.</exception>
    ISemanticIdTokenizer Load(string directory, ModelConfig config, string configPath);
}
