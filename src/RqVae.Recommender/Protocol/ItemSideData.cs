using System.Globalization;
using RqVae.SemanticIds;

namespace RqVae.Recommender.Protocol;

/// <summary>Puts per-item side data (an ID table, embeddings) into the catalogue's dense item order, refusing gaps.</summary>
public static class ItemSideData
{
    /// <summary>
    /// The rows of <paramref name="table"/> reordered so that row i is the ID of catalogue item <paramref name="itemKeys"/>[i];
    /// the table's item ids are the catalogue keys as text. The result keeps the item ids and the model hash.
    /// </summary>
    /// <exception cref="RecommenderInputException">The table has no item ids, repeats one, or misses catalogue items (the first few are named).</exception>
    public static SemanticIdTable AlignSemanticIds(SemanticIdTable table, IReadOnlyList<int> itemKeys, string source = "the ID table")
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(itemKeys);
        if (table.ItemIds is not { } ids) throw new RecommenderInputException($"{source} has no item ids, so its rows cannot be matched to the rated items. Write it with item ids (rqvae encode keeps them).");
        var rowOf = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var r = 0; r < ids.Count; r++)
        {
            if (!rowOf.TryAdd(ids[r], r)) throw new RecommenderInputException($"{source} lists item \"{ids[r]}\" twice (rows {rowOf[ids[r]] + 1} and {r + 1}); every item needs exactly one ID.");
        }
        var missing = itemKeys.Where(k => !rowOf.ContainsKey(k.ToString(CultureInfo.InvariantCulture))).ToList();
        if (missing.Count > 0)
            throw new RecommenderInputException($"{source} does not cover the items: {missing.Count} of {itemKeys.Count} catalogue items have no ID (e.g. {string.Join(", ", missing.Take(5))}). Encode every item of the catalogue (rqvae encode MODEL ITEMS --unique).");
        var levels = table.Levels;
        var codes = new int[itemKeys.Count * levels];
        var keys = new string[itemKeys.Count];
        for (var i = 0; i < itemKeys.Count; i++)
        {
            keys[i] = itemKeys[i].ToString(CultureInfo.InvariantCulture);
            table[rowOf[keys[i]]].CopyTo(codes.AsSpan(i * levels, levels));
        }
        return new SemanticIdTable(keys, codes, levels, table.ModelHash);
    }
}
