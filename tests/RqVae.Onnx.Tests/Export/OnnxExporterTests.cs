using Onnx;
using RqVae.Model;
using RqVae.Onnx.Tests.Support;
using RqVae.Quantization;
using RqVae.Tokenizers;
using Xunit;

namespace RqVae.Onnx.Tests.Export;

public sealed class OnnxExporterTests
{
    [Fact]
    public void The_graph_has_the_promised_input_outputs_opset_and_metadata()
    {
        var data = Models.Clusters(clusters: 6, perCluster: 30, dimension: 10, spread: 0.4, seed: 2);
        using var tokenizer = Models.TrainedResidualKMeans(data, 10, levels: 2, codebookSize: 8);
        var model = OnnxExporter.Export(tokenizer);
        Assert.True(model.OpsetImport.Single(o => o.Domain == "").Version >= 13);
        var input = model.Graph.Input.Single();
        Assert.Equal("features", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(10, input.Type.TensorType.Shape.Dim[1].DimValue);
        var outputs = model.Graph.Output.ToDictionary(o => o.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Int64, outputs["codes"].Type.TensorType.ElemType);
        Assert.Equal(2, outputs["codes"].Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal((int)TensorProto.Types.DataType.Float, outputs["latent"].Type.TensorType.ElemType);
        var meta = OnnxModelMetadata.ReadFrom(model)!;
        Assert.Equal("residual-kmeans", meta.Kind);
        Assert.Equal(tokenizer.WeightsSha256(), meta.WeightsSha256);
        Assert.Matches("^[0-9a-f]{64}$", meta.WeightsSha256);
        Assert.Equal(tokenizer.Identity().ModelSha256, meta.ModelSha256);
        Assert.Equal(OnnxExporter.ToolVersion, meta.ToolVersion);
        // The version of the library that made the model (one version for the whole repository).
        var library = typeof(RqVaeTokenizer).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0];
        Assert.Equal(library, meta.ToolVersion);
        Assert.Equal((2, 8, 10, 10, "greedy"), (meta.Levels, meta.CodebookSize, meta.InputDimension, meta.CodeDimension, meta.Encoding));
    }

    [Fact]
    public void The_latent_output_is_the_rqvae_encoders_output()
    {
        var data = Models.Clusters(clusters: 6, perCluster: 30, dimension: 12, spread: 0.4, seed: 2);
        using var tokenizer = Models.TrainedRqVae(data, 12);
        using var onnx = Models.Onnx(tokenizer);
        var expected = tokenizer.Latents(data);
        var actual = onnx.Latents(data);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f * (1 + Math.Abs(expected[i])), $"latent value {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void A_model_that_encodes_with_a_beam_is_refused_with_what_to_do()
    {
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = 4, HiddenDimensions = [4], LatentDimension = 2, BeamWidth = 4, Quantization = new QuantizerOptions { CodebookSize = 4 } }));
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(tokenizer));
        Assert.Contains("beam of 4", error.Message);
        Assert.Contains("--beam-width 1", error.Message);
    }

    [Fact]
    public void A_model_with_balanced_assignment_is_refused_because_its_ids_depend_on_the_batch()
    {
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = 4, HiddenDimensions = [4], LatentDimension = 2, Quantization = new QuantizerOptions { CodebookSize = 4, BalancedAssignment = true } }));
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(tokenizer));
        Assert.Contains("balanced", error.Message);
    }

    [Fact]
    public void Every_tokenizer_kind_has_a_graph_builder()
    {
        Assert.Equal(TokenizerKinds.All.Select(k => k.Name).Order(), OnnxGraphBuilders.All.Select(b => b.Kind).Order());
        Assert.Throws<OnnxExportException>(() => OnnxGraphBuilders.For("no-such-kind"));
    }

    [Fact]
    public void A_graph_not_made_by_rqvae_is_refused_by_the_runner()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "someone-else", Graph = new OnnxGraph("g", 2).Proto };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        model.Graph.Output.Add(model.Graph.Input[0]);
        using var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(model, stream);
        Assert.Throws<OnnxExportException>(() => new OnnxIdEncoder(stream.ToArray()));
    }
}
