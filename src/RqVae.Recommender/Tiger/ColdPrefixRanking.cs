namespace RqVae.Recommender.Tiger;

/// <summary>
/// Ranks cold items (in the ID table, never in training) by their ID prefix: a cold item's full ID was never a training
/// target, so its own generative score is low, but the leading codes it shares with warm items were. Each cold item
/// scores the network's log-probability of the longest ID prefix it shares with some warm item, split evenly among that
/// prefix's children in the trie, less a fixed penalty (log P(prefix) − log children − penalty), and joins the beam's
/// candidates (ranked by their full log-probability) on that scale. No training: it needs only the generative network.
/// The penalty calibrates the two scales: the network puts most of a prefix's probability on the warm children it was
/// trained on, so an even split overrates the cold ones.
/// </summary>
internal sealed class ColdPrefixRanking
{
    /// <summary>Beams per call of the network's step: bounds the memory of one call as the beam search's width does.</summary>
    internal const int Chunk = 1024;

    private readonly TigerVocabulary vocabulary;
    private readonly PrefixTrie trie;
    private readonly int[] coldItems;
    private readonly int[] depth;
    private readonly double[] share;

    /// <param name="vocabulary">The catalogue's tokens.</param>
    /// <param name="trie">The trie of every item's full ID.</param>
    /// <param name="cold">Per item, true when it never occurred in training.</param>
    /// <param name="penalty">Nats subtracted from every cold item's score (≥ 0).</param>
    public ColdPrefixRanking(TigerVocabulary vocabulary, PrefixTrie trie, IReadOnlyList<bool> cold, double penalty)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(penalty);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(trie);
        ArgumentNullException.ThrowIfNull(cold);
        this.vocabulary = vocabulary;
        this.trie = trie;
        var warm = new bool[trie.NodeCount];
        for (var item = 0; item < vocabulary.ItemCount; item++)
        {
            if (cold[item]) continue;
            foreach (var node in trie.Path(item)) warm[node] = true;
        }
        coldItems = [.. Enumerable.Range(0, vocabulary.ItemCount).Where(i => cold[i])];
        depth = new int[coldItems.Length];
        share = new double[coldItems.Length];
        for (var c = 0; c < coldItems.Length; c++)
        {
            var path = trie.Path(coldItems[c]);
            var m = 0;
            while (m < path.Length && warm[path[m]]) m++;
            depth[c] = m;
            share[c] = -Math.Log(trie.ChildTokens(m == 0 ? PrefixTrie.Root : path[m - 1]).Length) - penalty;
        }
    }

    /// <summary>The cold items, in item order.</summary>
    public IReadOnlyList<int> ColdItems => coldItems;

    /// <summary>Per cold item, how many leading levels of its ID it shares with some warm item.</summary>
    public IReadOnlyList<int> SharedLevels => depth;

    /// <summary>
    /// Per history row (0 … <paramref name="rows"/> − 1 of <paramref name="step"/>), each cold item's score, in the order
    /// of <see cref="ColdItems"/>: the log-probability of its shared prefix under the network, minus the log of that
    /// prefix's children and the penalty.
    /// </summary>
    public double[][] Scores(IBeamStep step, int rows)
    {
        ArgumentNullException.ThrowIfNull(step);
        var scores = new double[rows][];
        for (var r = 0; r < rows; r++) scores[r] = (double[])share.Clone();
        for (var level = 0; level < vocabulary.Levels; level++)
        {
            // The distinct prefixes of this level's length that some cold item's shared prefix continues.
            var parents = new Dictionary<int, int>();
            var representative = new List<int>();
            var parentOf = new int[coldItems.Length];
            for (var c = 0; c < coldItems.Length; c++)
            {
                parentOf[c] = -1;
                if (depth[c] <= level) continue;
                var node = level == 0 ? PrefixTrie.Root : trie.Path(coldItems[c])[level - 1];
                if (!parents.TryGetValue(node, out var index))
                {
                    parents[node] = index = representative.Count;
                    representative.Add(coldItems[c]);
                }
                parentOf[c] = index;
            }
            if (representative.Count == 0) break;
            var size = vocabulary.LevelSize(level);
            var offset = vocabulary.Offset(level);
            var total = rows * representative.Count;
            var logp = new float[(long)total * size];
            for (var start = 0; start < total; start += Chunk)
            {
                var count = Math.Min(Chunk, total - start);
                var owners = new long[count];
                var prefixes = new long[count * level];
                for (var m = 0; m < count; m++)
                {
                    var (row, parent) = Math.DivRem(start + m, representative.Count);
                    owners[m] = row;
                    var tokens = vocabulary.Tokens(representative[parent]);
                    for (var t = 0; t < level; t++) prefixes[m * level + t] = tokens[t];
                }
                step.LogProbabilities(level, owners, prefixes).CopyTo(logp.AsSpan((int)((long)start * size)));
            }
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < coldItems.Length; c++)
                {
                    if (parentOf[c] < 0) continue;
                    var token = vocabulary.Tokens(coldItems[c])[level];
                    scores[r][c] += logp[((long)r * representative.Count + parentOf[c]) * size + token - offset];
                }
            }
        }
        return scores;
    }

    /// <summary>
    /// The top <paramref name="k"/> of the beam's candidates (<paramref name="found"/>, by log-probability) and the cold
    /// items (by <paramref name="coldScores"/>, one row of <see cref="Scores"/>; an item in both keeps the higher), minus
    /// <paramref name="excluded"/>; ties to the smaller item.
    /// </summary>
    public int[] Merge(BeamResult found, double[] coldScores, IReadOnlyCollection<int>? excluded, int k)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(coldScores);
        var skip = excluded is { Count: > 0 } e ? e as ISet<int> ?? new HashSet<int>(e) : null;
        var best = new Dictionary<int, double>();
        void Offer(int item, double score)
        {
            if (item < 0 || (skip is not null && skip.Contains(item))) return;
            if (!best.TryGetValue(item, out var s) || score > s) best[item] = score;
        }
        for (var i = 0; i < found.Items.Length; i++) Offer(found.Items[i], found.Scores[i]);
        for (var c = 0; c < coldItems.Length; c++) Offer(coldItems[c], coldScores[c]);
        return [.. best.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(k).Select(p => p.Key)];
    }
}
