namespace RqVae.Recommender.Protocol;

/// <summary>
/// Builds the <see cref="RecommenderSplit"/>: each user's interactions sorted by (timestamp, item key) so ties have one
/// order; the last item is the test target, the second-to-last the validation target, the rest the training part. A
/// seeded share of the catalogue is held out as cold items: they are dropped from every training sequence (so they are
/// never a training history item nor a training target) but stay in evaluation histories, and the test users whose
/// target is one of them form the cold slice. Users with fewer than three interactions are left out (they have no
/// training part). A user who rated an item twice keeps only the first time.
/// </summary>
public static class LeaveLastOutSplit
{
    /// <summary>Splits <paramref name="interactions"/> over the catalogue <paramref name="itemKeys"/> (dense index = position).</summary>
    /// <exception cref="RecommenderInputException">An interaction names an item outside the catalogue, or the catalogue repeats a key.</exception>
    public static RecommenderSplit Create(IReadOnlyList<Interaction> interactions, IReadOnlyList<int> itemKeys, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(interactions);
        ArgumentNullException.ThrowIfNull(itemKeys);
        options = (options ?? new SplitOptions()).Validate();
        if (itemKeys.Count == 0) throw new RecommenderInputException("The catalogue is empty: there are no items to recommend.");
        var index = new Dictionary<int, int>(itemKeys.Count);
        for (var i = 0; i < itemKeys.Count; i++)
        {
            if (!index.TryAdd(itemKeys[i], i)) throw new RecommenderInputException($"The catalogue lists item {itemKeys[i]} twice (rows {index[itemKeys[i]] + 1} and {i + 1}); item keys must be unique.");
        }
        for (var r = 0; r < interactions.Count; r++)
        {
            if (!index.ContainsKey(interactions[r].ItemKey))
                throw new RecommenderInputException($"Interaction {r + 1} (user {interactions[r].UserKey}) names item {interactions[r].ItemKey}, which is not in the catalogue of {itemKeys.Count} items. Pass the items file (or ID table) that covers every rated item, or remove the ratings of unknown items.");
        }

        var cold = ChooseColdItems(itemKeys.Count, options.ColdItemFraction, options.SplitSeed);
        var users = interactions.GroupBy(x => x.UserKey).OrderBy(g => g.Key).ToList();
        var userKeys = new List<int>();
        var sequences = new List<int[]>();
        var training = new List<int[]>();
        var validation = new List<EvaluationCase>();
        var test = new List<EvaluationCase>();
        foreach (var group in users)
        {
            var seen = new HashSet<int>();
            var sequence = group.OrderBy(x => x.Timestamp).ThenBy(x => x.ItemKey)
                .Where(x => seen.Add(x.ItemKey)).Select(x => index[x.ItemKey]).ToArray();
            if (sequence.Length < 3) continue;
            var u = userKeys.Count;
            userKeys.Add(group.Key);
            sequences.Add(sequence);
            var n = sequence.Length;
            training.Add([.. sequence[..(n - 2)].Where(i => !cold[i])]);
            validation.Add(new EvaluationCase(u, sequence[..(n - 2)], sequence[n - 2]));
            test.Add(new EvaluationCase(u, sequence[..(n - 1)], sequence[n - 1]));
        }
        return new RecommenderSplit([.. itemKeys], [.. userKeys], [.. sequences], [.. training], [.. validation], [.. test], cold, options);
    }

    /// <summary>The held-out items: round(fraction · N) of them, by a seeded shuffle of the dense indices.</summary>
    internal static bool[] ChooseColdItems(int itemCount, double fraction, int seed)
    {
        var cold = new bool[itemCount];
        var count = (int)Math.Round(fraction * itemCount, MidpointRounding.AwayFromZero);
        if (count == 0) return cold;
        var order = Enumerable.Range(0, itemCount).ToArray();
        // System.Random with an explicit seed is the stable legacy generator: the same items on every .NET version.
        new Random(seed).Shuffle(order);
        for (var i = 0; i < count; i++) cold[order[i]] = true;
        return cold;
    }
}
