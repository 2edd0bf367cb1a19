using RqVae.SemanticIds;

namespace RqVae.Bench.Measures;

/// <summary>
/// The baseline for similar-item queries: score every item of the table against the query, as the
/// reference pseudo-code's <c>find_similar_items</c> does, with the index's ranking (longest shared prefix,
/// then nearest code vector, then lowest row) and a bounded heap for the top k.
/// </summary>
internal sealed class LinearScan(SemanticIdTable ids, IReadOnlyList<float[]> codebooks, int dimension)
{
    private readonly float[] vectors = CodeVectors(ids, codebooks, dimension);

    public IReadOnlyList<SimilarItem> SimilarTo(int row, int k)
    {
        var query = ids[row];
        var q = vectors.AsSpan(row * dimension, dimension);
        // Max-heap on rank: the worst of the best k so far sits on top.
        var heap = new PriorityQueue<SimilarItem, SimilarItem>(k + 1, Comparer<SimilarItem>.Create((a, b) => Compare(b, a)));
        for (var r = 0; r < ids.Count; r++)
        {
            if (r == row) continue;
            var distance = SemanticIdSimilarity.CodeVectorDistance(q, vectors.AsSpan(r * dimension, dimension));
            var item = new SimilarItem(r, SemanticIdSimilarity.SharedPrefixLength(query, ids[r]), distance);
            if (heap.Count < k) heap.Enqueue(item, item);
            else if (Compare(item, heap.Peek()) < 0) heap.EnqueueDequeue(item, item);
        }
        var result = new List<SimilarItem>(k);
        while (heap.Count > 0) result.Add(heap.Dequeue());
        result.Reverse();
        return result;
    }

    private static int Compare(SimilarItem a, SimilarItem b)
        => a.SharedPrefix != b.SharedPrefix ? b.SharedPrefix.CompareTo(a.SharedPrefix)
            : a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance)
            : a.Row.CompareTo(b.Row);

    private static float[] CodeVectors(SemanticIdTable ids, IReadOnlyList<float[]> codebooks, int dimension)
    {
        var vectors = new float[ids.Count * dimension];
        for (var r = 0; r < ids.Count; r++)
            SemanticIdSimilarity.CodeVector(codebooks, ids[r], vectors.AsSpan(r * dimension, dimension));
        return vectors;
    }
}
