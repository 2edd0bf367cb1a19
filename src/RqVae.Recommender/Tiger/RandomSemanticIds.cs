using RqVae.SemanticIds;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// The ablation of semantic IDs: every item gets codes drawn uniformly at random (seeded), with the same number of levels
/// and the same codes per level as a reference table, so a recommender sees IDs of exactly the same shape that carry no
/// content. Collisions are resolved like any other table's, by <see cref="TigerVocabulary"/>'s collision level.
/// </summary>
/// <remarks>
/// A table generator rather than a tokenizer kind: a random "tokenizer" would have nothing to learn from the features and
/// no residuals or codebooks for the collision re-assignment that <c>encode --unique</c> performs, so it would only
/// pretend to be a model; what the ablation needs is the shape, and this takes it from the table being compared.
/// </remarks>
public static class RandomSemanticIds
{
    /// <summary>A random table of <paramref name="reference"/>'s shape: its rows, its levels, and per level codes 0 … (largest code there).</summary>
    public static SemanticIdTable LikeTable(SemanticIdTable reference, long seed)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var sizes = new int[reference.Levels];
        var codes = reference.Codes;
        for (var i = 0; i < codes.Length; i++) sizes[i % reference.Levels] = Math.Max(sizes[i % reference.Levels], codes[i] + 1);
        var table = Create(reference.Count, sizes, seed);
        return reference.ItemIds is { } ids ? table.WithItems([.. ids]) : table;
    }

    /// <summary><paramref name="items"/> rows of codes, level l uniform over 0 … <paramref name="codesPerLevel"/>[l] − 1, from <paramref name="seed"/>.</summary>
    public static SemanticIdTable Create(int items, IReadOnlyList<int> codesPerLevel, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
        ArgumentNullException.ThrowIfNull(codesPerLevel);
        if (codesPerLevel.Count == 0 || codesPerLevel.Any(c => c < 1)) throw new ArgumentException("Every level needs at least one code.", nameof(codesPerLevel));
        var random = new Random(StableSeed.Of(seed, 0x5EED));
        var levels = codesPerLevel.Count;
        var codes = new int[items * levels];
        for (var i = 0; i < codes.Length; i++) codes[i] = random.Next(codesPerLevel[i % levels]);
        return new SemanticIdTable(codes, levels);
    }
}
