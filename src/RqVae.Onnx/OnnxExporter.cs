using System.Reflection;
using Google.Protobuf;
using Onnx;
using RqVae.IO;
using RqVae.Tokenizers;

namespace RqVae.Onnx;

/// <summary>
/// Turns a fitted tokenizer into one ONNX graph: input <c>features</c> float32 [N, D]; outputs <c>codes</c> int64 [N, L]
/// (its greedy semantic IDs) and <c>latent</c> float32 [N, code dimension]; opset <see cref="Opset"/>; the model's
/// weights hash, identity, kind and the tool version in the metadata (<see cref="OnnxModelMetadata"/>). The kind's
/// <see cref="IOnnxGraphBuilder"/> builds the nodes.
/// </summary>
/// <remarks>
/// Only greedy encoding is exported. A model saved with a beam wider than 1 encodes by beam search, whose
/// keep-the-best-partial-IDs loop over levels (a top-k over B·K candidates per item, re-ranked per level) this
/// exporter does not write; it refuses such a model rather than export a graph that gives other IDs than
/// <c>rqvae encode</c>.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graphs use (ArgMin's <c>select_last_index</c> needs ≥ 12, Gemm/Unsqueeze as of 13; ReduceSumSquare takes its axes as an attribute up to 17).</summary>
    public const int Opset = 17;

    /// <summary>The ONNX IR version written (8: the one that goes with opset 17).</summary>
    public const int IrVersion = 8;

    /// <summary>The name of the IDs output, int64 [N, L].</summary>
    public const string CodesOutput = "codes";

    /// <summary>The name of the latent output, float32 [N, code dimension].</summary>
    public const string LatentOutput = "latent";

    /// <summary>The version of rqvae that exports, as recorded in the metadata.</summary>
    public static string ToolVersion { get; } =
        typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The graph of <paramref name="tokenizer"/>'s greedy encoding.</summary>
    /// <exception cref="OnnxExportException">The model cannot be exported as it encodes (beam search, balanced assignment, a kind without a builder).</exception>
    public static ModelProto Export(ISemanticIdTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.BeamWidth > 1)
            throw new OnnxExportException($"This model encodes with a beam of {tokenizer.BeamWidth}; the ONNX export has greedy encoding only (a beam of 1), "
                + "and a greedy graph would give other IDs than `rqvae encode`. Train the model with --beam-width 1 to export it.");
        var builder = OnnxGraphBuilders.For(tokenizer.Kind);
        var graph = new OnnxGraph($"rqvae-{tokenizer.Kind}", tokenizer.InputDimension);
        var outputs = builder.Build(tokenizer, graph);
        graph.Output(outputs.Codes, CodesOutput, TensorProto.Types.DataType.Int64, tokenizer.Levels);
        graph.Output(outputs.Latent, LatentOutput, TensorProto.Types.DataType.Float, tokenizer.CodeDimension);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = OnnxModelMetadata.ProducerName,
            ProducerVersion = ToolVersion,
            Domain = "rqvae",
            DocString = $"Semantic IDs of a {tokenizer.Kind} model: features float32 [N, {tokenizer.InputDimension}] → codes int64 [N, {tokenizer.Levels}] (greedy; ties go to the lowest code), latent float32 [N, {tokenizer.CodeDimension}].",
            Graph = graph.Proto,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        var identity = tokenizer.Identity();
        new OnnxModelMetadata(tokenizer.Kind, tokenizer.WeightsSha256(), identity.ModelSha256, ToolVersion,
            tokenizer.Levels, tokenizer.CodebookSize, tokenizer.InputDimension, tokenizer.CodeDimension, "greedy").WriteTo(model);
        return model;
    }

    /// <summary>Writes <paramref name="tokenizer"/>'s graph to <paramref name="path"/> atomically (a temporary file renamed over it); returns the graph.</summary>
    public static ModelProto Write(ISemanticIdTokenizer tokenizer, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = Export(tokenizer);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
        return model;
    }

    /// <summary>Reads the ONNX model at <paramref name="path"/>; null when the file is not an ONNX model.</summary>
    public static ModelProto? TryRead(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
