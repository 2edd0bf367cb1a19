using RqVae.SemanticIds;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// The token space of a TIGER model over one catalogue: padding, BOS and EOS, then the codes of each level at their
/// own offset (a code 5 at level 0 and at level 1 are different tokens), then the collision level when two items
/// share an ID (its code tells them apart, so every item has exactly one token sequence), then the hashed user
/// tokens. Built from the ID table of every item, cold ones included. Immutable.
/// </summary>
public sealed class TigerVocabulary
{
    /// <summary>Padding of the encoder input.</summary>
    public const int Pad = 0;

    /// <summary>The decoder's start token.</summary>
    public const int Bos = 1;

    /// <summary>End of sequence (reserved; IDs have a fixed length, so decoding stops after the last level).</summary>
    public const int Eos = 2;

    private const int Special = 3;

    private readonly int[] tokens;
    private readonly int[] prefixes;
    private readonly int[] offsets;
    private readonly int[] sizes;

    private TigerVocabulary(int items, int levels, int[] tokens, int[] prefixes, int prefixCount, int[] offsets, int[] sizes, bool collisionLevel, int userBuckets)
    {
        ItemCount = items;
        Levels = levels;
        this.tokens = tokens;
        this.prefixes = prefixes;
        PrefixCount = prefixCount;
        this.offsets = offsets;
        this.sizes = sizes;
        HasCollisionLevel = collisionLevel;
        UserBuckets = userBuckets;
        UserOffset = offsets[^1] + sizes[^1];
        Size = UserOffset + userBuckets;
    }

    /// <summary>N, the items (rows of the ID table).</summary>
    public int ItemCount { get; }

    /// <summary>Tokens per item: the table's levels, plus one when the collision level was added.</summary>
    public int Levels { get; }

    /// <summary>True when some items shared an ID and a collision level was appended.</summary>
    public bool HasCollisionLevel { get; }

    /// <summary>All tokens: specials, every level's codes, the user buckets.</summary>
    public int Size { get; }

    /// <summary>The first user token.</summary>
    public int UserOffset { get; }

    /// <summary>User-token buckets (0: no user token).</summary>
    public int UserBuckets { get; }

    /// <summary>Distinct ID prefixes of every length (c₁), (c₁, c₂), …, plus one for padding: rows of the prefix n-gram table.</summary>
    public int PrefixCount { get; }

    /// <summary>The first token of <paramref name="level"/>.</summary>
    public int Offset(int level) => offsets[level];

    /// <summary>The codes of <paramref name="level"/> (its largest code + 1).</summary>
    public int LevelSize(int level) => sizes[level];

    /// <summary>The token sequence of <paramref name="item"/> (length <see cref="Levels"/>).</summary>
    public ReadOnlySpan<int> Tokens(int item) => tokens.AsSpan(item * Levels, Levels);

    /// <summary>The token sequences of all items, row-major [N, Levels].</summary>
    public ReadOnlySpan<int> AllTokens => tokens;

    /// <summary>The prefix n-gram rows (1 … <see cref="PrefixCount"/> − 1) of <paramref name="item"/>, one per prefix length.</summary>
    public ReadOnlySpan<int> Prefixes(int item) => prefixes.AsSpan(item * Levels, Levels);

    /// <summary>The user token of user key <paramref name="user"/> (a multiplicative hash into the buckets); throws when there are none.</summary>
    public int UserToken(long user)
    {
        if (UserBuckets == 0) throw new InvalidOperationException("This vocabulary has no user tokens.");
        var hash = unchecked((ulong)user * 0x9E3779B97F4A7C15UL);
        return UserOffset + (int)(hash % (ulong)UserBuckets);
    }

    /// <summary>
    /// The vocabulary of <paramref name="ids"/> (one row per item, the row index is the item's index). When two rows
    /// hold the same codes a collision level is appended: its code is the row's rank among the rows sharing its ID, in row order.
    /// </summary>
    public static TigerVocabulary Create(SemanticIdTable ids, int userBuckets = 0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(userBuckets);
        if (ids.Count == 0) throw new ArgumentException("The ID table has no items.", nameof(ids));
        var n = ids.Count;
        var baseLevels = ids.Levels;
        var collision = new int[n];
        var seen = new Dictionary<string, int>(n);
        var anyCollision = false;
        for (var i = 0; i < n; i++)
        {
            var row = ids[i];
            for (var l = 0; l < baseLevels; l++)
                if (row[l] < 0) throw new ArgumentException($"Row {i} has a negative code {row[l]} at level {l}.", nameof(ids));
            var key = string.Join(',', row.ToArray());
            seen.TryGetValue(key, out var count);
            collision[i] = count;
            seen[key] = count + 1;
            anyCollision |= count > 0;
        }
        var levels = baseLevels + (anyCollision ? 1 : 0);
        var codes = new int[n * levels];
        for (var i = 0; i < n; i++)
        {
            ids[i].CopyTo(codes.AsSpan(i * levels, baseLevels));
            if (anyCollision) codes[i * levels + baseLevels] = collision[i];
        }
        var sizes = new int[levels];
        for (var i = 0; i < codes.Length; i++) sizes[i % levels] = Math.Max(sizes[i % levels], codes[i] + 1);
        var offsets = new int[levels];
        for (int l = 0, offset = Special; l < levels; offset += sizes[l], l++) offsets[l] = offset;
        var tokens = new int[n * levels];
        for (var i = 0; i < tokens.Length; i++) tokens[i] = offsets[i % levels] + codes[i];

        // Prefix n-grams: each distinct (level, prefix) gets its own row, numbered in order of first appearance; row 0 is padding.
        var prefixes = new int[n * levels];
        var prefixRows = new Dictionary<(int Level, string Prefix), int>();
        for (var i = 0; i < n; i++)
        {
            for (var l = 0; l < levels; l++)
            {
                var key = (l, string.Join(',', codes.AsSpan(i * levels, l + 1).ToArray()));
                if (!prefixRows.TryGetValue(key, out var row)) prefixRows[key] = row = prefixRows.Count + 1;
                prefixes[i * levels + l] = row;
            }
        }
        return new TigerVocabulary(n, levels, tokens, prefixes, prefixRows.Count + 1, offsets, sizes, anyCollision, userBuckets);
    }

    /// <summary>The ID codes (not tokens) of every item including the collision level, row-major [N, Levels].</summary>
    public int[] Codes()
    {
        var codes = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++) codes[i] = tokens[i] - offsets[i % Levels];
        return codes;
    }
}
