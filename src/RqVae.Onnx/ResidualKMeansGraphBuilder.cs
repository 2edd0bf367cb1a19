using RqVae.ResidualKMeans;
using RqVae.Tokenizers;

namespace RqVae.Onnx;

/// <summary>Exports a <see cref="ResidualKMeansTokenizer"/>: no network, the features are the latent, then the residual quantizer (<see cref="ResidualQuantizerGraph"/>).</summary>
public sealed class ResidualKMeansGraphBuilder : IOnnxGraphBuilder
{
    /// <inheritdoc />
    public string Kind => ResidualKMeansTokenizer.KindName;

    /// <inheritdoc />
    public OnnxGraphOutputs Build(ISemanticIdTokenizer tokenizer, OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(graph);
        var codes = ResidualQuantizerGraph.Append(graph, tokenizer, OnnxGraph.Features, cosine: false);
        return new OnnxGraphOutputs(codes, OnnxGraph.Features);
    }
}
