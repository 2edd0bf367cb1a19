namespace RqVae.Recommender;

/// <summary>
/// One kind of recommender (MostPop, Markov, item-kNN, SASRec, TIGER, …): its name, its options type, how to fit it
/// and how to load a saved one. Everything outside the kind (the harness, the tool) works through this and
/// <see cref="IRecommender"/>, so a new kind is one class (see <see cref="RecommenderKind{TOptions}"/>) that
/// <see cref="RecommenderKinds"/> finds by reflection.
/// </summary>
public interface IRecommenderKind
{
    /// <summary>The name given to <c>--kind</c> and written as <c>kind</c> in recommender.json, e.g. "sasrec".</summary>
    string Name { get; }

    /// <summary>How people call it, e.g. "SASRec".</summary>
    string DisplayName { get; }

    /// <summary>One sentence on what it is, for help texts.</summary>
    string Summary { get; }

    /// <summary>The type of its options (a record with documented defaults and a <c>Validate()</c> method).</summary>
    Type OptionsType { get; }

    /// <summary>True when a fit needs <see cref="RecommenderTrainingData.SemanticIds"/>.</summary>
    bool NeedsSemanticIds { get; }

    /// <summary>True when a fit needs <see cref="RecommenderTrainingData.ItemEmbeddings"/>.</summary>
    bool NeedsItemEmbeddings { get; }

    /// <summary>True when an interrupted fit can resume from its checkpoint.</summary>
    bool SupportsResume { get; }

    /// <summary>A new options object with every default.</summary>
    object CreateDefaultOptions();

    /// <summary>Validates <paramref name="options"/> (of <see cref="OptionsType"/>) and returns them; throws <see cref="ArgumentException"/> naming the member.</summary>
    object ValidateOptions(object options);

    /// <summary>Fits a recommender on <paramref name="data"/> with <paramref name="options"/> (of <see cref="OptionsType"/>).</summary>
    /// <param name="data">The catalogue, training sequences, validation questions, seed and side data.</param>
    /// <param name="options">The kind's options; validated first.</param>
    /// <param name="settings">Checkpoints and resume; null for none.</param>
    /// <param name="progress">Told after every epoch; may be null.</param>
    /// <param name="cancellationToken">Stops the fit between steps (throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="RecommenderInputException">The data lacks side data the kind needs, or does not fit it.</exception>
    IRecommender Fit(RecommenderTrainingData data, object options, RecommenderFitSettings? settings = null, IProgress<RecommenderTrainingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Loads the recommender saved in <paramref name="directory"/> whose recommender.json is <paramref name="config"/>.</summary>
    /// <exception cref="RqVae.Model.ModelFormatException">The folder does not hold a valid recommender of this kind; the message names the file.</exception>
    IRecommender Load(string directory, RecommenderConfig config);
}
