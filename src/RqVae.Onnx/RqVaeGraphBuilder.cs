using RqVae.Model;
using RqVae.Tokenizers;
using TorchSharp.Modules;

namespace RqVae.Onnx;

/// <summary>
/// Exports an <see cref="RqVaeTokenizer"/>: the encoder MLP (each <c>Linear</c> as <c>Gemm</c>s with its bias as C,
/// as torch's <c>linear</c> calls <c>addmm</c>, split as the tool's BLAS splits the product, see <see cref="SplitGemm"/>; <c>ReLU</c> as <c>Relu</c>), whose output is the latent, then the
/// residual quantizer (<see cref="ResidualQuantizerGraph"/>), cosine when the model's codebooks are.
/// Refuses models with balanced (Sinkhorn) levels: their codes depend on the whole batch, not on the item alone.
/// </summary>
public sealed class RqVaeGraphBuilder : IOnnxGraphBuilder
{
    /// <inheritdoc />
    public string Kind => RqVaeTokenizer.KindName;

    /// <inheritdoc />
    public OnnxGraphOutputs Build(ISemanticIdTokenizer tokenizer, OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var model = tokenizer as RqVaeTokenizer
            ?? throw new ArgumentException($"The {Kind} graph builder exports RQ-VAE tokenizers, not {tokenizer?.GetType().Name ?? "null"}.", nameof(tokenizer));
        if (model.Options.Quantization.BalancedAssignment)
            throw new OnnxExportException("This model assigns codes by balanced (Sinkhorn) assignment over whole batches, so an item's ID depends on the other items encoded with it; "
                + "an ONNX graph encodes each item on its own and cannot reproduce it. Export a model trained without --balanced-assignment.");
        var h = OnnxGraph.Features;
        var layers = model.Module.Encoder.children().OfType<Sequential>().Single().children().ToArray();
        for (var i = 0; i < layers.Length; i++)
        {
            switch (layers[i])
            {
                case Linear linear:
                    var weight = linear.weight!.detach().contiguous();
                    var (outputs, width) = ((int)weight.shape[0], (int)weight.shape[1]);
                    var w = weight.data<float>().ToArray();
                    var b = linear.bias is { } bias ? bias.detach().contiguous().data<float>().ToArray() : new float[outputs];
                    h = SplitGemm.Append(graph, $"encoder_layers{i}", h, w, outputs, width, b, [outputs], 1f, SplitGemm.Detect(w, outputs, width, b, [outputs], 1f));
                    break;
                case ReLU:
                    h = graph.Node("Relu", $"encoder_layer{i}", [h]);
                    break;
                default:
                    throw new OnnxExportException($"The encoder's layer {i} is a {layers[i].GetType().Name}, which the ONNX export does not know.");
            }
        }
        var codes = ResidualQuantizerGraph.Append(graph, model, h, model.Options.Quantization.CosineCodebooks);
        return new OnnxGraphOutputs(codes, h);
    }
}
