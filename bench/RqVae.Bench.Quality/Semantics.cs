using RqVae.SemanticIds;
using static TorchSharp.torch;

namespace RqVae.Bench.Quality;

/// <summary>The two semantic measures of the table: label agreement within level-1 codes, and neighbour overlap@10.</summary>
internal static class Semantics
{
    /// <summary>Mean label Jaccard of pairs sharing a level-1 code and of random pairs (the same number of pairs, fixed seed).</summary>
    public static (double SameCode, double Random) LabelAgreement(SemanticIdTable ids, int[][] labels, int pairs = 50_000, int seed = 7)
    {
        var random = new Random(seed);
        var byCode = Enumerable.Range(0, ids.Count).GroupBy(i => ids.Code(i, 0)).Where(g => g.Count() > 1).Select(g => g.ToArray()).ToArray();
        var weights = byCode.Select(g => (double)g.Length * (g.Length - 1)).ToArray();
        var total = weights.Sum();
        double same = 0, rand = 0;
        for (var p = 0; p < pairs; p++)
        {
            // Pairs drawn uniformly over all same-code pairs: pick a group by its number of pairs, then two members.
            var u = random.NextDouble() * total;
            var g = 0;
            while (g < byCode.Length - 1 && u >= weights[g]) u -= weights[g++];
            var group = byCode[g];
            var a = random.Next(group.Length);
            var b = random.Next(group.Length - 1);
            if (b >= a) b++;
            same += Jaccard(labels[group[a]], labels[group[b]]);
            var x = random.Next(ids.Count);
            var y = random.Next(ids.Count - 1);
            if (y >= x) y++;
            rand += Jaccard(labels[x], labels[y]);
        }
        return (same / pairs, rand / pairs);
    }

    private static double Jaccard(int[] a, int[] b)
    {
        if (a.Length == 0 && b.Length == 0) return 1;
        var inter = a.Intersect(b).Count();
        return (double)inter / (a.Length + b.Length - inter);
    }

    /// <summary>Each item's 10 nearest neighbours by cosine in the input space, [N, k] (self excluded).</summary>
    public static long[,] InputNeighbours(float[] features, int dimension, int k = 10)
    {
        using var scope = NewDisposeScope();
        var n = features.Length / dimension;
        var x = nn.functional.normalize(tensor(features, [n, dimension]), p: 2, dim: 1);
        return TopK(n, k, (start, count) => x.narrow(0, start, count).matmul(x.t()));
    }

    /// <summary>
    /// Each item's 10 most similar items by semantic ID, [N, k]: longest shared prefix first, then nearest code
    /// vector (Σ_l codebook_l[id_l]); the same order as <see cref="SemanticIdIndex"/> uses.
    /// </summary>
    public static long[,] IdNeighbours(SemanticIdTable ids, float[] codeVectors, int codeDimension, int k = 10)
    {
        using var scope = NewDisposeScope();
        var n = ids.Count;
        var codes = tensor(ids.Codes.ToArray(), [n, ids.Levels]).to(ScalarType.Int64);
        var v = tensor(codeVectors, [n, codeDimension]);
        var norms = v.pow(2).sum(1);
        // Code-vector distances are far below 1e6 here, so prefix × 1e6 orders by prefix first.
        return TopK(n, k, (start, count) =>
        {
            var block = codes.narrow(0, start, count);
            var prefix = zeros(count, n);
            var same = ones(count, n, dtype: ScalarType.Bool);
            for (var l = 0; l < ids.Levels; l++)
            {
                same = same.logical_and(block.select(1, l).unsqueeze(1).eq(codes.select(1, l).unsqueeze(0)));
                prefix += same.to(ScalarType.Float32);
            }
            var distance = addmm(norms.unsqueeze(0), v.narrow(0, start, count), v.t(), beta: 1, alpha: -2) + norms.narrow(0, start, count).unsqueeze(1);
            return prefix * 1e6f - distance;
        });
    }

    private static long[,] TopK(int n, int k, Func<int, int, Tensor> scores)
    {
        var result = new long[n, k];
        const int block = 1024;
        for (var start = 0; start < n; start += block)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(block, n - start);
            var s = scores(start, count);
            s.index_put_(float.NegativeInfinity, arange(count), arange(start, start + count));
            var top = s.topk(k, 1).indexes.contiguous().data<long>().ToArray();
            for (var i = 0; i < count; i++)
                for (var j = 0; j < k; j++) result[start + i, j] = top[i * k + j];
        }
        return result;
    }

    /// <summary>Mean share of each item's input-space neighbours that are also among its ID neighbours.</summary>
    public static double Overlap(long[,] a, long[,] b)
    {
        var n = a.GetLength(0);
        var k = a.GetLength(1);
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var set = new HashSet<long>();
            for (var j = 0; j < k; j++) set.Add(b[i, j]);
            var hits = 0;
            for (var j = 0; j < k; j++) if (set.Contains(a[i, j])) hits++;
            sum += (double)hits / k;
        }
        return sum / n;
    }
}
