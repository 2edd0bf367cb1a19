using System.Numerics.Tensors;

namespace RqVae.SemanticIds;

/// <summary>
/// Similarity between two semantic IDs. The reference pseudo-code's two measures are kept but corrected for
/// L levels (the code vector of an ID is Σ_l codebook_l[id_l], not one codebook row), and joined by the
/// measure that fits hierarchical IDs: the length of the shared prefix.
/// </summary>
public static class SemanticIdSimilarity
{
    /// <summary>Share of positions where the two IDs have the same code ("exact match").</summary>
    public static double ExactMatchFraction(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        CheckSameLength(a, b);
        var same = 0;
        for (var i = 0; i < a.Length; i++) if (a[i] == b[i]) same++;
        return (double)same / a.Length;
    }

    /// <summary>How many leading codes the two IDs share: L for equal IDs, 0 when the first code differs.</summary>
    public static int SharedPrefixLength(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        CheckSameLength(a, b);
        var n = 0;
        while (n < a.Length && a[n] == b[n]) n++;
        return n;
    }

    /// <summary>
    /// Writes the code vector Σ_l codebook_l[id_l] of <paramref name="id"/> into <paramref name="destination"/>.
    /// </summary>
    /// <param name="codebooks">Per level, row-major [K, D].</param>
    /// <param name="id">One code per level.</param>
    /// <param name="destination">Receives the D values.</param>
    public static void CodeVector(IReadOnlyList<float[]> codebooks, ReadOnlySpan<int> id, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(codebooks);
        if (codebooks.Count != id.Length) throw new ArgumentException($"The ID has {id.Length} codes but there are {codebooks.Count} codebooks.", nameof(id));
        var d = destination.Length;
        destination.Clear();
        for (var l = 0; l < id.Length; l++) TensorPrimitives.Add(destination, codebooks[l].AsSpan(id[l] * d, d), destination);
    }

    /// <summary>
    /// Euclidean distance between two code vectors: the one function every ranking by code vector uses
    /// (index, recommender, benchmarks' linear scan), so they agree to the last bit.
    /// </summary>
    public static float CodeVectorDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Distance(a, b);

    /// <summary>Cosine of the code vectors of two IDs ("embedding similarity", for L levels).</summary>
    public static double CodeVectorCosine(IReadOnlyList<float[]> codebooks, int codeDimension, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        Span<float> va = codeDimension <= 512 ? stackalloc float[codeDimension] : new float[codeDimension];
        Span<float> vb = codeDimension <= 512 ? stackalloc float[codeDimension] : new float[codeDimension];
        CodeVector(codebooks, a, va);
        CodeVector(codebooks, b, vb);
        double dot = 0, na = 0, nb = 0;
        for (var j = 0; j < codeDimension; j++)
        {
            dot += va[j] * vb[j];
            na += va[j] * va[j];
            nb += vb[j] * vb[j];
        }
        return na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : 0;
    }

    private static void CheckSameLength(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length || a.Length == 0)
            throw new ArgumentException($"IDs must be non-empty and of the same length (got {a.Length} and {b.Length}).");
    }
}
