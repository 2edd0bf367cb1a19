namespace RqVae.Recommender.Protocol;

/// <summary>Cuts training sequences into (history, next item) pairs: every prefix with its next item, the history cut to its last items.</summary>
public static class TrainingExampleCutter
{
    /// <summary>For each sequence s and each t ≥ 1: history s[max(0, t − <paramref name="maxHistory"/>) … t), target s[t].</summary>
    public static IEnumerable<TrainingExample> Cut(IReadOnlyList<int[]> sequences, int maxHistory)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHistory, 1);
        for (var u = 0; u < sequences.Count; u++)
        {
            var s = sequences[u];
            for (var t = 1; t < s.Length; t++)
            {
                var start = Math.Max(0, t - maxHistory);
                yield return new TrainingExample(u, s[start..t], s[t]);
            }
        }
    }
}
