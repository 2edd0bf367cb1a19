using Onnx;
using RqVae.Platform;
using RqVae.Tokenizers;
using static TorchSharp.torch;

namespace RqVae.Onnx;

/// <summary>
/// Greedy residual quantization as ONNX nodes, shared by every kind whose IDs are the nearest codes of successive
/// residuals. Per level it evaluates the tool's own expression in the tool's order, (‖e‖² − 2 r·e) + ‖r‖²: one
/// <c>Gemm</c> with the code norms as its C (alpha −2, beta 1, as torch's <c>addmm</c>), then <c>Add</c> of the row
/// norms; the code norms are the values torch computes, stored as a constant, and the row norms are added up in
/// torch's own order (<see cref="TorchRowSum"/>). A plain (r − e)² sum, or ONNX's <c>ReduceSumSquare</c>, rounds
/// differently and picks the other code for items almost equidistant from two codes. The product is split into
/// blocks as the tool's BLAS splits it (<see cref="SplitGemm"/>).
/// </summary>
/// <remarks>
/// Ties: torch's <c>argmin</c> returns the lowest index among equal minima and so does ONNX <c>ArgMin</c> with
/// <c>select_last_index = 0</c> (written explicitly): an item exactly halfway between two codes gets the lower code
/// in the tool and in the graph.
/// </remarks>
public static class ResidualQuantizerGraph
{
    /// <summary>What the tool's <c>normalize</c> divides by at least (torch's default epsilon).</summary>
    private const float NormalizeEpsilon = 1e-12f;

    /// <summary>
    /// Appends the levels of <paramref name="tokenizer"/>'s residual quantizer to <paramref name="graph"/>, quantizing
    /// <paramref name="latent"/> (float32 [N, D]); returns the int64 [N, L] codes.
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <param name="tokenizer">The tokenizer; its <see cref="ISemanticIdTokenizer.Codebooks"/> are the codes as used (unit rows for a cosine codebook).</param>
    /// <param name="latent">The tensor to quantize.</param>
    /// <param name="cosine">The tool compares unit vectors: each residual is L2-normalised before its distances (the residual itself is not).</param>
    public static string Append(OnnxGraph graph, ISemanticIdTokenizer tokenizer, string latent, bool cosine)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var codebooks = tokenizer.Codebooks();
        var k = tokenizer.CodebookSize;
        var d = tokenizer.CodeDimension;
        var residual = latent;
        var levels = new string[codebooks.Count];
        var codeAxis = graph.Int64Constant("code_axis", 1);
        var lanes = TorchRowSum.DetectLanes(d);
        for (var l = 0; l < codebooks.Count; l++)
        {
            var norms = CodeNorms(codebooks[l], k, d);
            var x = cosine ? Normalize(graph, residual, l) : residual;
            var products = SplitGemm.Append(graph, $"distances_partial{l}", x, codebooks[l], k, d, norms, [1, k], -2f, SplitGemm.Detect(codebooks[l], k, d, norms, [1, k], -2f));
            var rowNorms = RowNorms(graph, x, d, lanes, l);
            var distances = graph.Node("Add", $"distances{l}", [products, rowNorms]);
            var code = graph.Node("ArgMin", $"code{l}", [distances],
                OnnxGraph.Attribute("axis", 1L), OnnxGraph.Attribute("keepdims", 0L), OnnxGraph.Attribute("select_last_index", 0L));
            levels[l] = graph.Node("Unsqueeze", $"code{l}_column", [code, codeAxis]);
            if (l + 1 < codebooks.Count)
            {
                var codebook = graph.Constant($"codebook{l}", codebooks[l], k, d);
                var chosen = graph.Node("Gather", $"chosen{l}", [codebook, code], OnnxGraph.Attribute("axis", 0L));
                residual = graph.Node("Sub", $"residual{l + 1}", [residual, chosen]);
            }
        }
        return levels.Length == 1 ? levels[0] : graph.Node("Concat", "codes_all", levels, OnnxGraph.Attribute("axis", 1L));
    }

    /// <summary>‖e‖² per code, computed by torch exactly as the tool's distance computes it (<c>codebook.pow(2).sum(1)</c>).</summary>
    internal static float[] CodeNorms(float[] codebook, int k, int d)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var t = tensor(codebook, [k, d]);
        return t.pow(Scalars.Two).sum(1).contiguous().data<float>().ToArray();
    }

    // ‖x‖² per row, [N, 1]: x·x, then added up in torch's order when it is known (see TorchRowSum), else by ReduceSumSquare.
    private static string RowNorms(OnnxGraph graph, string x, int dimension, int? lanes, int level)
    {
        if (lanes is not { } width)
            return graph.Node("ReduceSumSquare", $"residual_norms{level}", [x], OnnxGraph.Attribute("axes", [1L]), OnnxGraph.Attribute("keepdims", 1L));
        var squares = graph.Node("Mul", $"residual_squares{level}", [x, x]);
        return TorchRowSum.Sum(new GraphAlgebra(graph, squares, level), dimension, width);
    }

    /// <summary>torch's summation order as ONNX nodes: column blocks are <c>Slice</c>s, additions <c>Add</c>s.</summary>
    private sealed class GraphAlgebra(OnnxGraph graph, string squares, int level) : TorchRowSum.IAlgebra<string>
    {
        private readonly string axis = graph.Int64Constant($"norm_axis{level}", 1);

        public string Columns(int start, int width) => Slice(squares, start, width);

        public string Add(string a, string b) => graph.Node("Add", $"residual_norm{level}_sum", [a, b]);

        public string Lane(string block, int lane) => Slice(block, lane, 1);

        private string Slice(string tensor, int start, int width)
            => graph.Node("Slice", $"residual_norm{level}_part", [tensor, graph.Int64Constant("start", start), graph.Int64Constant("end", start + width), axis]);
    }

    // x / max(‖x‖₂, ε) per row: torch.nn.functional.normalize(x, p: 2, dim: 1).
    private static string Normalize(OnnxGraph graph, string x, int level)
    {
        var norm = graph.Node("ReduceL2", $"residual_length{level}", [x], OnnxGraph.Attribute("axes", [1L]), OnnxGraph.Attribute("keepdims", 1L));
        var epsilon = graph.Constant($"normalize_epsilon{level}", [NormalizeEpsilon], 1);
        var clamped = graph.Node("Max", $"residual_length_clamped{level}", [norm, epsilon]);
        return graph.Node("Div", $"unit_residual{level}", [x, clamped]);
    }
}
