namespace RqVae.Recommender.Protocol;

/// <summary>
/// The fixed leave-last-out split every recommender is scored on (built by <see cref="LeaveLastOutSplit"/>): items are
/// dense indices 0 … N−1 over the whole catalogue; per user, the time-ordered sequence, its training part (all but the
/// last two, held-out items dropped), the validation question (second-to-last item) and the test question (last item).
/// Immutable.
/// </summary>
public sealed class RecommenderSplit
{
    internal RecommenderSplit(int[] itemKeys, int[] userKeys, int[][] sequences, int[][] trainingSequences, EvaluationCase[] validation, EvaluationCase[] test, bool[] cold, SplitOptions options)
    {
        ItemKeys = itemKeys;
        UserKeys = userKeys;
        Sequences = sequences;
        TrainingSequences = trainingSequences;
        Validation = validation;
        Test = test;
        coldItems = cold;
        Options = options;
        itemIndex = new Dictionary<int, int>(itemKeys.Length);
        for (var i = 0; i < itemKeys.Length; i++) itemIndex[itemKeys[i]] = i;
    }

    private readonly bool[] coldItems;
    private readonly Dictionary<int, int> itemIndex;

    /// <summary>The settings the split was made with.</summary>
    public SplitOptions Options { get; }

    /// <summary>N, the catalogue size.</summary>
    public int ItemCount => ItemKeys.Count;

    /// <summary>The source key (movieId) of each dense item index, in catalogue order.</summary>
    public IReadOnlyList<int> ItemKeys { get; }

    /// <summary>The source key (userId) of each user index, ascending.</summary>
    public IReadOnlyList<int> UserKeys { get; }

    /// <summary>Each user's whole sequence of dense item indices, sorted by (timestamp, item key).</summary>
    public IReadOnlyList<int[]> Sequences { get; }

    /// <summary>Each user's training part: the sequence without its last two items, held-out items dropped from it (the order of the rest kept).</summary>
    public IReadOnlyList<int[]> TrainingSequences { get; }

    /// <summary>One question per user: the training part in full (held-out items included) → the second-to-last item.</summary>
    public IReadOnlyList<EvaluationCase> Validation { get; }

    /// <summary>One question per user: everything before the last item → the last item.</summary>
    public IReadOnlyList<EvaluationCase> Test { get; }

    /// <summary>True for the held-out (cold) items, which no training sequence contains.</summary>
    public bool IsCold(int item) => coldItems[item];

    /// <summary>The held-out items' flags, indexed by dense item index.</summary>
    public IReadOnlyList<bool> ColdItems => coldItems;

    /// <summary>The source keys of the held-out items, ascending: the items a tokenizer for this split must not be fitted on.</summary>
    public IReadOnlyList<int> ColdItemKeys => [.. Enumerable.Range(0, ItemCount).Where(i => coldItems[i]).Select(i => ItemKeys[i]).Order()];

    /// <summary>The test questions whose target is a held-out item: the cold slice.</summary>
    public IReadOnlyList<EvaluationCase> ColdTest => [.. Test.Where(c => coldItems[c.Target])];

    /// <summary>The dense index of source key <paramref name="itemKey"/>, or −1 when it is not in the catalogue.</summary>
    public int IndexOf(int itemKey) => itemIndex.TryGetValue(itemKey, out var i) ? i : -1;

    /// <summary>Every (history, next item) pair of the training sequences, histories cut to the last <paramref name="maxHistory"/> items.</summary>
    public IEnumerable<TrainingExample> TrainingExamples(int maxHistory) => TrainingExampleCutter.Cut(TrainingSequences, maxHistory);
}
