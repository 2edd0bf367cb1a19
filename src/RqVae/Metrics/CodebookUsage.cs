using RqVae.SemanticIds;

namespace RqVae.Metrics;

/// <summary>Per-level code usage of a whole ID table (not averaged over batches).</summary>
public static class CodebookUsage
{
    /// <summary>Counts how often each code of each level occurs in <paramref name="ids"/>.</summary>
    public static long[][] Count(SemanticIdTable ids, int codebookSize)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var counts = new long[ids.Levels][];
        for (var l = 0; l < ids.Levels; l++) counts[l] = new long[codebookSize];
        var all = ids.Codes;
        for (var i = 0; i < all.Length; i++)
        {
            var code = all[i];
            if ((uint)code >= (uint)codebookSize)
                throw new ArgumentException($"Code {code} at row {i / ids.Levels}, level {i % ids.Levels} is outside 0..{codebookSize - 1}.", nameof(ids));
            counts[i % ids.Levels][code]++;
        }
        return counts;
    }

    /// <summary>Usage figures for every level of <paramref name="ids"/>, numbered from 1.</summary>
    public static IReadOnlyList<LevelUsage> Compute(SemanticIdTable ids, int codebookSize)
        => Count(ids, codebookSize).Select((c, l) => LevelUsage.FromCounts(l + 1, c)).ToArray();
}
