namespace RqVae.Recommender;

/// <summary>Picks the best-scored items: the shared last step of every scoring recommender, with one tie rule.</summary>
public static class TopItems
{
    /// <summary>
    /// The indices of the <paramref name="k"/> highest <paramref name="scores"/>, best first, skipping
    /// <paramref name="excluded"/> and non-finite scores; ties go to the lower index, so the answer is deterministic.
    /// </summary>
    public static int[] Select(ReadOnlySpan<float> scores, int k, IReadOnlyCollection<int>? excluded = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var skip = excluded is null || excluded.Count == 0 ? null : excluded as ISet<int> ?? new HashSet<int>(excluded);
        // A min-heap of the best k so far, keyed on (score, −index): its root is the worst kept.
        var heap = new PriorityQueue<int, (float Score, int NegIndex)>(k + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (float.IsNaN(s) || float.IsNegativeInfinity(s)) continue;
            if (skip is not null && skip.Contains(i)) continue;
            if (heap.Count < k) heap.Enqueue(i, (s, -i));
            else
            {
                heap.TryPeek(out _, out var worst);
                if (s > worst.Score || (s == worst.Score && -i > worst.NegIndex)) heap.EnqueueDequeue(i, (s, -i));
            }
        }
        var result = new int[heap.Count];
        for (var r = result.Length - 1; r >= 0; r--) result[r] = heap.Dequeue();
        return result;
    }
}
