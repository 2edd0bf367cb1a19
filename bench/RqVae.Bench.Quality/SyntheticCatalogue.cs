namespace RqVae.Bench.Quality;

/// <summary>
/// A synthetic catalogue shaped like sentence embeddings: unit vectors drawn from a two-level mixture (128 topics × 64
/// subtopics, each item its subtopic's direction plus noise), so that items have near neighbours and a tokenizer has
/// structure to find, unlike plain Gaussian noise. Deterministic for a seed, whatever the thread count.
/// </summary>
internal static class SyntheticCatalogue
{
    private const int Topics = 128;
    private const int Subtopics = 64;

    public static CurveCatalogue Create(int rows, int dimension, int heldOut, int seed)
    {
        var centres = SubtopicCentres(dimension, seed);
        var training = Items(rows, dimension, centres, seed + 1);
        var measured = Items(heldOut, dimension, centres, seed + 2);
        return new CurveCatalogue($"synthetic {rows:N0} × {dimension} (unit vectors, {Topics} × {Subtopics} topics)", training, measured, dimension,
            $"a held-out sample of {heldOut:N0} items from the same distribution");
    }

    private static float[] SubtopicCentres(int dimension, int seed)
    {
        var random = new Random(seed);
        var centres = new float[Topics * Subtopics * dimension];
        var topic = new float[dimension];
        var offset = new float[dimension];
        for (var t = 0; t < Topics; t++)
        {
            Fill(topic, random, 1f);
            for (var s = 0; s < Subtopics; s++)
            {
                Fill(offset, random, 0.8f);
                var centre = centres.AsSpan((t * Subtopics + s) * dimension, dimension);
                for (var d = 0; d < dimension; d++) centre[d] = topic[d] + offset[d];
                Normalize(centre);
            }
        }
        return centres;
    }

    // Blocks of rows, each from its own generator, so the data do not depend on how the blocks are scheduled.
    private static float[] Items(int rows, int dimension, float[] centres, int seed)
    {
        const int block = 4096;
        var items = new float[(long)rows * dimension];
        Parallel.For(0, (rows + block - 1) / block, b =>
        {
            var random = new Random(seed * 7919 + b);
            var noise = new float[dimension];
            for (var i = b * block; i < Math.Min(rows, (b + 1) * block); i++)
            {
                var centre = centres.AsSpan(random.Next(Topics * Subtopics) * dimension, dimension);
                Fill(noise, random, 0.6f);
                var item = items.AsSpan((int)((long)i * dimension), dimension);
                for (var d = 0; d < dimension; d++) item[d] = centre[d] + noise[d];
                Normalize(item);
            }
        });
        return items;
    }

    // A random direction of the given length (Box–Muller normals, then scaled).
    private static void Fill(Span<float> v, Random random, float length)
    {
        for (var d = 0; d < v.Length; d++)
            v[d] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        Normalize(v);
        for (var d = 0; d < v.Length; d++) v[d] *= length;
    }

    private static void Normalize(Span<float> v)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
    }
}
