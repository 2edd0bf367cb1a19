using RqVae.Tokenizers;

namespace RqVae.Onnx;

/// <summary>
/// How one tokenizer kind becomes an ONNX graph: the seam of the exporter. One implementation per kind, named by the
/// kind's name in config.json; <see cref="OnnxGraphBuilders"/> finds the public ones of this library by reflection and
/// takes others through <see cref="OnnxGraphBuilders.Register"/>, so a new kind's export is one class and no code
/// outside it tests for a concrete tokenizer type.
/// </summary>
public interface IOnnxGraphBuilder
{
    /// <summary>The tokenizer kind this builder exports (<see cref="ISemanticIdTokenizer.Kind"/>), e.g. "rqvae".</summary>
    string Kind { get; }

    /// <summary>
    /// Adds to <paramref name="graph"/> the nodes that turn <see cref="OnnxGraph.Features"/> into the greedy IDs of
    /// <paramref name="tokenizer"/> (int64 [N, L]) and its latent (float32 [N, code dimension]); returns those two tensors.
    /// The nodes must compute what the tool computes, in the same order, so that the IDs agree on near-ties too.
    /// </summary>
    /// <exception cref="OnnxExportException">This model encodes in a way no per-item graph reproduces; the message says why and what to do.</exception>
    OnnxGraphOutputs Build(ISemanticIdTokenizer tokenizer, OnnxGraph graph);
}

/// <summary>The tensors of a built graph that become its outputs.</summary>
/// <param name="Codes">int64 [N, L]: the semantic IDs.</param>
/// <param name="Latent">float32 [N, code dimension]: what the quantizer quantized.</param>
public sealed record OnnxGraphOutputs(string Codes, string Latent);
