using RqVae.Recommender.Protocol;
using RqVae.SemanticIds;

namespace RqVae.Recommender;

/// <summary>
/// Everything a recommender kind may learn from: the catalogue (dense indices 0 … N−1 and their source keys), the
/// training sequences (held-out items already dropped), the validation questions for model selection, the seed, and
/// optional per-item side data that some kinds need (semantic IDs, content embeddings) and the others ignore. The test
/// questions are deliberately not here. Immutable.
/// </summary>
public sealed class RecommenderTrainingData
{
    /// <summary>Wraps the parts, checking that their sizes agree.</summary>
    /// <param name="itemKeys">The source key (movieId) of each dense item index.</param>
    /// <param name="trainingSequences">Per user, the dense item indices of the training part, oldest first, held-out items dropped.</param>
    /// <param name="validation">The validation questions (early stopping, model selection).</param>
    /// <param name="seed">Seeds every random choice of training.</param>
    /// <param name="coldItems">Per item, true when it is held out (new: no training sequence has it); null for none.</param>
    /// <param name="semanticIds">Optional: row i is the full unique semantic ID of item i (collision code included).</param>
    /// <param name="itemEmbeddings">Optional: row i is item i's content embedding, [N, d].</param>
    /// <exception cref="RecommenderInputException">A sequence names an item outside 0 … N−1, or the side data has the wrong number of rows.</exception>
    public RecommenderTrainingData(IReadOnlyList<int> itemKeys, IReadOnlyList<int[]> trainingSequences, IReadOnlyList<EvaluationCase> validation, long seed,
        IReadOnlyList<bool>? coldItems = null, SemanticIdTable? semanticIds = null, float[,]? itemEmbeddings = null)
    {
        ArgumentNullException.ThrowIfNull(itemKeys);
        ArgumentNullException.ThrowIfNull(trainingSequences);
        ArgumentNullException.ThrowIfNull(validation);
        ItemKeys = itemKeys;
        TrainingSequences = trainingSequences;
        Validation = validation;
        Seed = seed;
        var n = itemKeys.Count;
        for (var u = 0; u < trainingSequences.Count; u++)
        {
            foreach (var item in trainingSequences[u])
            {
                if ((uint)item >= (uint)n) throw new RecommenderInputException($"Training sequence {u} names item index {item}, outside the catalogue of {n} items.");
            }
        }
        if (coldItems is not null && coldItems.Count != n) throw new RecommenderInputException($"The cold-item flags cover {coldItems.Count} items; the catalogue has {n}.");
        ColdItems = coldItems ?? new bool[n];
        if (semanticIds is not null && semanticIds.Count != n)
            throw new RecommenderInputException($"The semantic ID table has {semanticIds.Count} rows; the catalogue has {n} items. Pass an ID table with one row per catalogue item.");
        if (itemEmbeddings is not null && itemEmbeddings.GetLength(0) != n)
            throw new RecommenderInputException($"The item embeddings have {itemEmbeddings.GetLength(0)} rows; the catalogue has {n} items.");
        SemanticIds = semanticIds;
        ItemEmbeddings = itemEmbeddings;
    }

    /// <summary>The training data of <paramref name="split"/> with seed <paramref name="seed"/> and optional side data (rows in the split's item order).</summary>
    public static RecommenderTrainingData FromSplit(RecommenderSplit split, long seed, SemanticIdTable? semanticIds = null, float[,]? itemEmbeddings = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        return new RecommenderTrainingData(split.ItemKeys, split.TrainingSequences, split.Validation, seed, split.ColdItems, semanticIds, itemEmbeddings) { MaxHistory = split.Options.MaxHistory };
    }

    /// <summary>N, the catalogue size.</summary>
    public int ItemCount => ItemKeys.Count;

    /// <summary>The source key (movieId) of each dense item index.</summary>
    public IReadOnlyList<int> ItemKeys { get; }

    /// <summary>Per user, the training part's dense item indices, oldest first, held-out items dropped.</summary>
    public IReadOnlyList<int[]> TrainingSequences { get; }

    /// <summary>The validation questions: history → the second-to-last item; for early stopping on validation NDCG@10.</summary>
    public IReadOnlyList<EvaluationCase> Validation { get; }

    /// <summary>Seeds every random choice of training.</summary>
    public long Seed { get; }

    /// <summary>The protocol's longest training history (a kind with its own history length may ignore it). Default 20.</summary>
    public int MaxHistory { get; init; } = 20;

    /// <summary>Per item, true when it is held out: new to the recommender, in no training sequence.</summary>
    public IReadOnlyList<bool> ColdItems { get; }

    /// <summary>Optional: the full unique semantic ID of each item (row i = item i, collision code included).</summary>
    public SemanticIdTable? SemanticIds { get; }

    /// <summary>Optional: each item's content embedding, [N, d].</summary>
    public float[,]? ItemEmbeddings { get; }

    /// <summary>Every (history, next item) pair of the training sequences with histories of at most <paramref name="maxHistory"/> items.</summary>
    public IEnumerable<TrainingExample> TrainingExamples(int maxHistory) => TrainingExampleCutter.Cut(TrainingSequences, maxHistory);
}
