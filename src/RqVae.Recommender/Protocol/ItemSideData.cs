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
        var rows = RowsOf(ids, itemKeys, source, "ID", "Encode every item of the catalogue (rqvae encode MODEL ITEMS --unique).");
        var levels = table.Levels;
        var codes = new int[itemKeys.Count * levels];
        var keys = new string[itemKeys.Count];
        for (var i = 0; i < itemKeys.Count; i++)
        {
            keys[i] = itemKeys[i].ToString(CultureInfo.InvariantCulture);
            table[rows[i]].CopyTo(codes.AsSpan(i * levels, levels));
        }
        return new SemanticIdTable(keys, codes, levels, table.ModelHash);
    }

    /// <summary>
    /// Content embeddings in catalogue order: row i of the result is the vector of item <paramref name="itemKeys"/>[i], found
    /// by its key as text among <paramref name="ids"/> (row r of <paramref name="values"/>, <paramref name="dimension"/> wide).
    /// Rows of items outside the catalogue are ignored.
    /// </summary>
    /// <exception cref="RecommenderInputException">An id repeats, or catalogue items have no vector (the first few are named).</exception>
    public static float[,] AlignEmbeddings(IReadOnlyList<string> ids, ReadOnlySpan<float> values, int dimension, IReadOnlyList<int> itemKeys, string source = "the item features")
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(itemKeys);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (values.Length != ids.Count * dimension) throw new ArgumentException($"{values.Length} values for {ids.Count} rows of {dimension}.", nameof(values));
        var rows = RowsOf(ids, itemKeys, source, "vector", "Give a vector for every item of the catalogue.");
        var aligned = new float[itemKeys.Count, dimension];
        for (var i = 0; i < itemKeys.Count; i++)
            for (var j = 0; j < dimension; j++)
                aligned[i, j] = values[rows[i] * dimension + j];
        return aligned;
    }

    /// <summary>For each catalogue item, the row of <paramref name="ids"/> that names it.</summary>
    private static int[] RowsOf(IReadOnlyList<string> ids, IReadOnlyList<int> itemKeys, string source, string what, string remedy)
    {
        var rowOf = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var r = 0; r < ids.Count; r++)
        {
            if (!rowOf.TryAdd(ids[r], r)) throw new RecommenderInputException($"{source} lists item \"{ids[r]}\" twice (rows {rowOf[ids[r]] + 1} and {r + 1}); every item needs exactly one {what}.");
        }
        var rows = new int[itemKeys.Count];
        var missing = new List<int>();
        for (var i = 0; i < itemKeys.Count; i++)
        {
            if (rowOf.TryGetValue(itemKeys[i].ToString(CultureInfo.InvariantCulture), out var row)) rows[i] = row;
            else missing.Add(itemKeys[i]);
        }
        if (missing.Count > 0)
            throw new RecommenderInputException($"{source} does not cover the items: {missing.Count} of {itemKeys.Count} catalogue items have no {what} (e.g. {string.Join(", ", missing.Take(5))}). {remedy}");
        return rows;
    }
}
