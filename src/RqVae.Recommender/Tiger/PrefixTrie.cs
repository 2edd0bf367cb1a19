namespace RqVae.Recommender.Tiger;

/// <summary>
/// The valid item IDs as a trie over their full token sequences (collision level included): node n's children are
/// exactly the tokens that continue n's whole prefix to some catalogue item, and each leaf is one item. Constraining
/// decoding to it makes every generated ID exactly one catalogue item; keying on the whole prefix (not on the level
/// alone) is what keeps invalid combinations of individually valid codes out. Immutable and thread-safe.
/// </summary>
public sealed class PrefixTrie
{
    private readonly int[] childStart;
    private readonly int[] childTokens;
    private readonly int[] childNodes;
    private readonly int[] leafItem;
    private readonly int[] leafCount;
    private readonly int[] itemPath;

    private PrefixTrie(int levels, int[] childStart, int[] childTokens, int[] childNodes, int[] leafItem, int[] leafCount, int[] itemPath)
    {
        Levels = levels;
        this.childStart = childStart;
        this.childTokens = childTokens;
        this.childNodes = childNodes;
        this.leafItem = leafItem;
        this.leafCount = leafCount;
        this.itemPath = itemPath;
    }

    /// <summary>The root (the empty prefix).</summary>
    public const int Root = 0;

    /// <summary>Depth of every leaf: tokens per ID.</summary>
    public int Levels { get; }

    /// <summary>Nodes, the root and the leaves included.</summary>
    public int NodeCount => leafItem.Length;

    /// <summary>The tokens that may follow node <paramref name="node"/>'s prefix, ascending.</summary>
    public ReadOnlySpan<int> ChildTokens(int node) => childTokens.AsSpan(childStart[node], childStart[node + 1] - childStart[node]);

    /// <summary>The nodes those tokens lead to, in the same order as <see cref="ChildTokens"/>.</summary>
    public ReadOnlySpan<int> ChildNodes(int node) => childNodes.AsSpan(childStart[node], childStart[node + 1] - childStart[node]);

    /// <summary>The item of a leaf, or −1 for an inner node.</summary>
    public int ItemAt(int node) => leafItem[node];

    /// <summary>Items below <paramref name="node"/>.</summary>
    public int LeafCount(int node) => leafCount[node];

    /// <summary>The node reached from <paramref name="node"/> by <paramref name="token"/>, or −1 when no item continues that way.</summary>
    public int Child(int node, int token)
    {
        var index = ChildTokens(node).BinarySearch(token);
        return index < 0 ? -1 : childNodes[childStart[node] + index];
    }

    /// <summary>The nodes on <paramref name="item"/>'s path below the root (length <see cref="Levels"/>; the last is its leaf).</summary>
    public ReadOnlySpan<int> Path(int item) => itemPath.AsSpan(item * Levels, Levels);

    /// <summary>The item whose ID is exactly <paramref name="tokens"/>, or −1 when none is.</summary>
    public int Find(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != Levels) return -1;
        var node = Root;
        foreach (var token in tokens)
        {
            node = Child(node, token);
            if (node < 0) return -1;
        }
        return leafItem[node];
    }

    /// <summary>The trie of every item of <paramref name="vocabulary"/>; item IDs must be distinct (the vocabulary's collision level makes them so).</summary>
    public static PrefixTrie Create(TigerVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var levels = vocabulary.Levels;
        var children = new List<SortedDictionary<int, int>> { new() };
        var items = new List<int> { -1 };
        var path = new int[vocabulary.ItemCount * levels];
        for (var item = 0; item < vocabulary.ItemCount; item++)
        {
            var tokens = vocabulary.Tokens(item);
            var node = Root;
            for (var l = 0; l < levels; l++)
            {
                if (!children[node].TryGetValue(tokens[l], out var next))
                {
                    next = children.Count;
                    children[node][tokens[l]] = next;
                    children.Add([]);
                    items.Add(-1);
                }
                node = next;
                path[item * levels + l] = node;
            }
            if (items[node] >= 0) throw new ArgumentException($"Items {items[node]} and {item} have the same ID; IDs must be distinct.", nameof(vocabulary));
            items[node] = item;
        }
        var start = new int[children.Count + 1];
        for (var n = 0; n < children.Count; n++) start[n + 1] = start[n] + children[n].Count;
        var tokensOut = new int[start[^1]];
        var nodesOut = new int[start[^1]];
        for (var n = 0; n < children.Count; n++)
        {
            var i = start[n];
            foreach (var (token, child) in children[n])
            {
                tokensOut[i] = token;
                nodesOut[i++] = child;
            }
        }
        var counts = new int[children.Count];
        for (var item = 0; item < vocabulary.ItemCount; item++)
        {
            counts[Root]++;
            for (var l = 0; l < levels; l++) counts[path[item * levels + l]]++;
        }
        return new PrefixTrie(levels, start, tokensOut, nodesOut, [.. items], counts, path);
    }
}
