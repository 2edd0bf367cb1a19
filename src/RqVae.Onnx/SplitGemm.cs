using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace RqVae.Onnx;

/// <summary>
/// A matrix product C + α·x·Wᵀ (torch's <c>addmm</c>, which <c>linear</c> and the quantizer's distances call) as ONNX
/// <c>Gemm</c> nodes that round like the tool's. A BLAS adds up a long dot product in blocks of the inner dimension,
/// each block a chain of fused multiply-adds added to C; LibTorch's MKL and ONNX Runtime's MLAS choose different
/// blocks (measured here: MKL splits the inner dimension into equal blocks of at most 192, MLAS into blocks of 256),
/// so one <c>Gemm</c> of more than about 192 inner values rounds differently from the tool. Splitting it into a
/// <c>Gemm</c> per block of the tool's own split, each taking the previous one's result as its C, makes ONNX Runtime
/// perform the tool's additions in the tool's order. The split is not assumed: <see cref="Detect"/> tries the
/// candidates on this machine, with torch and ONNX Runtime side by side, and keeps the first that agrees bit for bit.
/// </summary>
internal static class SplitGemm
{
    private const int ProbeRows = 256;

    /// <summary>Appends C + α·x·Wᵀ over <paramref name="blocks"/> (widths of consecutive inner-dimension blocks); returns its tensor.</summary>
    /// <param name="graph">The graph.</param>
    /// <param name="name">A name for the result.</param>
    /// <param name="x">The left operand, [M, k].</param>
    /// <param name="w">W, [n, k] row-major.</param>
    /// <param name="n">Rows of W.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="c">C's values; shape <paramref name="cDims"/>, broadcast over rows.</param>
    /// <param name="cDims">C's shape, [n] or [1, n].</param>
    /// <param name="alpha">α.</param>
    /// <param name="blocks">Block widths summing to <paramref name="k"/>.</param>
    public static string Append(OnnxGraph graph, string name, string x, float[] w, int n, int k, float[] c, long[] cDims, float alpha, IReadOnlyList<int> blocks)
    {
        var result = graph.Constant($"{name}_c", c, cDims);
        var start = 0;
        var axis = blocks.Count > 1 ? graph.Int64Constant($"{name}_axis", 1) : null;
        foreach (var width in blocks)
        {
            var part = blocks.Count == 1 ? x : graph.Node("Slice", $"{name}_x{start}", [x, graph.Int64Constant("start", start), graph.Int64Constant("end", start + width), axis!]);
            var weights = graph.Constant($"{name}_w{start}", Columns(w, n, k, start, width), n, width);
            result = graph.Node("Gemm", $"{name}_{start}", [part, weights, result],
                OnnxGraph.Attribute("alpha", alpha), OnnxGraph.Attribute("beta", 1f), OnnxGraph.Attribute("transB", 1L));
            start += width;
        }
        return result;
    }

    /// <summary>
    /// The inner-dimension split for which ONNX Runtime's <see cref="Append"/> gives torch's <c>addmm(C, x, Wᵀ, β = 1, α)</c>
    /// bit for bit on pseudo-random rows, with these very W and C; the whole dimension in one block when no candidate does.
    /// </summary>
    public static IReadOnlyList<int> Detect(float[] w, int n, int k, float[] c, long[] cDims, float alpha)
    {
        var candidates = Candidates(k);
        var random = new Random(20_251_201);
        var x = new float[ProbeRows * k];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        float[] expected;
        using (NewDisposeScope())
        using (no_grad())
            expected = addmm(tensor(c, cDims), tensor(x, [ProbeRows, k]), tensor(w, [n, k]).t(), beta: 1, alpha: alpha).contiguous().data<float>().ToArray();

        var graph = new OnnxGraph("probe", k);
        var outputs = new List<string>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var y = Append(graph, $"candidate{i}", OnnxGraph.Features, w, n, k, c, cDims, alpha, candidates[i]);
            graph.Output(y, $"y{i}", TensorProto.Types.DataType.Float, n);
            outputs.Add($"y{i}");
        }
        var model = new ModelProto { IrVersion = OnnxExporter.IrVersion, Graph = graph.Proto };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        using var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        using var options = new SessionOptions();
        using var session = new InferenceSession(stream.ToArray(), options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [ProbeRows, k]);
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxGraph.Features], [input], outputs);
        for (var i = 0; i < candidates.Count; i++)
            if (results[i].GetTensorDataAsSpan<float>().SequenceEqual(expected)) return candidates[i];
        return [k];
    }

    // One block; equal blocks of at most B (larger ones first, or last); blocks of exactly B and a remainder.
    private static List<int[]> Candidates(int k)
    {
        var candidates = new List<int[]> { new[] { k } };
        foreach (var limit in new[] { 192, 256, 128, 384, 512, 96, 64 })
        {
            if (limit >= k) continue;
            var count = (k + limit - 1) / limit;
            var equal = Enumerable.Range(0, count).Select(i => k / count + (i < k % count ? 1 : 0)).ToArray();
            candidates.Add(equal);
            candidates.Add([.. equal.Reverse()]);
            candidates.Add([.. Enumerable.Repeat(limit, k / limit), .. k % limit == 0 ? Array.Empty<int>() : [k % limit]]);
        }
        return [.. candidates.DistinctBy(c => string.Join(",", c))];
    }

    private static float[] Columns(float[] w, int n, int k, int start, int width)
    {
        if (start == 0 && width == k) return w;
        var part = new float[n * width];
        for (var r = 0; r < n; r++) w.AsSpan(r * k + start, width).CopyTo(part.AsSpan(r * width, width));
        return part;
    }
}
