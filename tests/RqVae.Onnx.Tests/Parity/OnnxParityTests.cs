using RqVae.Onnx.Tests.Support;
using Xunit;

namespace RqVae.Onnx.Tests.Parity;

/// <summary>ONNX Runtime on the exported graph gives the tool's own IDs: on trained models, on exact ties and on items a hair's breadth from a code boundary.</summary>
public sealed class OnnxParityTests
{
    [Fact]
    public void Trained_rqvae_gives_the_tools_ids_on_its_data_and_on_random_items()
    {
        var data = Models.Clusters(clusters: 12, perCluster: 60, dimension: 24, spread: 0.4, seed: 3);
        using var tokenizer = Models.TrainedRqVae(data, 24);
        using var onnx = Models.Onnx(tokenizer);
        var random = Models.Uniform(5000, 24, 3, 9);
        foreach (var items in new[] { data, random })
        {
            var tool = Models.ToolIds(tokenizer, items);
            Assert.Equal(tool.Codes.ToArray(), onnx.Encode(items).Codes.ToArray());
            Assert.True(tool.Codes.ToArray().Distinct().Count() > 8, "the IDs vary, so the comparison means something");
        }
    }

    [Fact]
    public void Rqvae_on_wide_features_gives_the_tools_ids_on_items_near_its_boundaries()
    {
        // 400 inputs: the first layer's products are longer than one BLAS block. Random items from a random model
        // land anywhere, including next to boundaries; 20,000 of them find the rounding differences if there are any.
        TorchSharp.torch.manual_seed(11);
        using var tokenizer = new RqVae.Model.RqVaeTokenizer(new RqVae.Model.RqVaeModule(new RqVae.Model.RqVaeOptions
        {
            InputDimension = 400, HiddenDimensions = [256], LatentDimension = 16,
            Quantization = new RqVae.Quantization.QuantizerOptions { Levels = 3, CodebookSize = 64 },
        }));
        var items = Models.Uniform(20_000, 400, 1, 12);
        var latents = tokenizer.Latents(items.AsSpan(0, 64 * 400));
        for (var l = 0; l < 3; l++)
        {
            using var codes = TorchSharp.torch.tensor(latents, [64, 16]).mul(1.0 / (1 << (2 * l)));
            tokenizer.Module.Quantizer.Levels[l].SetCodebook(codes);
        }
        using var onnx = Models.Onnx(tokenizer);
        var tool = Models.ToolIds(tokenizer, items);
        Assert.Equal(tool.Codes.ToArray(), onnx.Encode(items).Codes.ToArray());
        Assert.True(tool.Codes.ToArray().Distinct().Count() > 30);
        Assert.Equal(tokenizer.Latents(items.AsSpan(0, 2048 * 400)), onnx.Latents(items.AsSpan(0, 2048 * 400)));
    }

    [Fact]
    public void Trained_rqvae_with_cosine_codebooks_gives_the_tools_ids()
    {
        var data = Models.Clusters(clusters: 10, perCluster: 50, dimension: 16, spread: 0.4, seed: 5);
        using var tokenizer = Models.TrainedRqVae(data, 16, cosine: true);
        using var onnx = Models.Onnx(tokenizer);
        var tool = Models.ToolIds(tokenizer, data);
        Assert.Equal(tool.Codes.ToArray(), onnx.Encode(data).Codes.ToArray());
        Assert.True(tool.Codes.ToArray().Distinct().Count() > 8);
    }

    [Fact]
    public void Trained_residual_kmeans_gives_the_tools_ids_on_its_data_and_on_random_items()
    {
        var data = Models.Clusters(clusters: 10, perCluster: 40, dimension: 12, spread: 0.5, seed: 4);
        using var tokenizer = Models.TrainedResidualKMeans(data, 12);
        using var onnx = Models.Onnx(tokenizer);
        foreach (var items in new[] { data, Models.Uniform(3000, 12, 4, 2) })
        {
            var tool = Models.ToolIds(tokenizer, items);
            Assert.Equal(tool.Codes.ToArray(), onnx.Encode(items).Codes.ToArray());
            Assert.True(tool.Codes.ToArray().Distinct().Count() > 8);
        }
    }

    [Fact]
    public void An_item_exactly_halfway_between_two_codes_gets_the_lower_code_from_both()
    {
        // Codes on a 2-d integer grid; every item sits exactly halfway between code a and code b (a < b), where every
        // product and sum is an exactly representable float, so the two distances are equal in any order of summation:
        // only the tie rule decides. Worked by hand: code 0 = (0, 0), code 1 = (2, 0), item (1, 0): both at distance 1.
        const int k = 4;
        float[] level1 = [0, 0, 2, 0, 0, 2, 2, 2];
        float[] level2 = [0, 0, 1, 0, 0, 1, 1, 1];
        using var tokenizer = Models.WithCodebooks(2, k, [level1, level2]);
        using var onnx = Models.Onnx(tokenizer);
        // (1, 0): codes 0 and 1 tie → 0; the residual (1, 0) is level-2 code 1 exactly → 1 (a last-index rule would give 1, 0).
        // (2, 1): codes 1 and 3 tie → 1; residual (0, 1) is code 2 of level 2 → 2.
        // (1, 1): codes 0, 1, 2, 3 all at distance 2 → 0; residual (1, 1) is code 3 → 3.
        // (0.5, 0): level-2 tie after code 0: residual (0.5, 0) is halfway between level-2 codes 0 and 1 → 0.
        float[] items = [1, 0, 2, 1, 1, 1, 0.5f, 0];
        int[] expected = [0, 1, 1, 2, 0, 3, 0, 0];
        Assert.Equal(expected, Models.ToolIds(tokenizer, items).Codes.ToArray());
        Assert.Equal(expected, onnx.Encode(items).Codes.ToArray());
    }

    [Theory]
    [InlineData(8, 16)]
    [InlineData(32, 256)]
    [InlineData(64, 64)]
    [InlineData(384, 64)]  // wider than one block of either BLAS: the product is split as the tool's is
    [InlineData(300, 32)]  // two equal blocks of 150 in the tool, 256 + 44 in ONNX Runtime's own split
    public void Items_a_hairs_breadth_from_a_code_boundary_get_the_tools_ids(int dimension, int codebookSize)
    {
        // Points on the segment between two level-1 codes, within ±5·10⁻⁶ of its middle: the two distances differ in
        // the last few bits, so any other formulation or summation order than the tool's picks the other code for some.
        var books = new[] { Models.Uniform(codebookSize, dimension, 1, 1), Models.Uniform(codebookSize, dimension, 0.3, 2), Models.Uniform(codebookSize, dimension, 0.1, 3) };
        using var tokenizer = Models.WithCodebooks(dimension, codebookSize, books);
        var items = NearTies(books[0], codebookSize, dimension, rows: 6000, seed: 4, out var pairs);
        using var onnx = Models.Onnx(tokenizer);
        var tool = Models.ToolIds(tokenizer, items);
        Assert.Equal(tool.Codes.ToArray(), onnx.Encode(items).Codes.ToArray());
        // The catalogue does sit on the boundaries: items fall on both sides of them.
        var lower = Enumerable.Range(0, pairs.Length).Count(i => tool.Code(i, 0) == pairs[i].A);
        var upper = Enumerable.Range(0, pairs.Length).Count(i => tool.Code(i, 0) == pairs[i].B);
        Assert.True(lower > 1000 && upper > 1000, $"{lower} items went to the first code of their pair and {upper} to the second");
    }

    [Fact]
    public void Near_ties_between_fitted_residual_kmeans_centroids_get_the_tools_ids()
    {
        var data = Models.Clusters(clusters: 16, perCluster: 30, dimension: 32, spread: 0.5, seed: 8);
        using var tokenizer = Models.TrainedResidualKMeans(data, 32, levels: 2, codebookSize: 16);
        var items = NearTies(tokenizer.Codebooks()[0], 16, 32, rows: 4000, seed: 5, out _);
        using var onnx = Models.Onnx(tokenizer);
        Assert.Equal(Models.ToolIds(tokenizer, items).Codes.ToArray(), onnx.Encode(items).Codes.ToArray());
    }

    [Fact]
    public void The_batch_size_of_onnx_runtime_does_not_change_ids()
    {
        var data = Models.Clusters(clusters: 8, perCluster: 40, dimension: 16, spread: 0.4, seed: 6);
        using var tokenizer = Models.TrainedRqVae(data, 16);
        using var whole = Models.Onnx(tokenizer);
        using var small = Models.Onnx(tokenizer, new OnnxRuntimeOptions { BatchSize = 7, IntraOpThreads = 1 });
        Assert.Equal(whole.Encode(data).Codes.ToArray(), small.Encode(data).Codes.ToArray());
    }

    private static float[] NearTies(float[] codebook, int k, int d, int rows, int seed, out (int A, int B)[] pairs)
    {
        var random = new Random(seed);
        var items = new float[rows * d];
        pairs = new (int, int)[rows];
        for (var i = 0; i < rows; i++)
        {
            var a = random.Next(k);
            var b = (a + 1 + random.Next(k - 1)) % k;
            pairs[i] = (a, b);
            var t = (float)(0.5 + (random.NextDouble() - 0.5) * 1e-5);
            for (var j = 0; j < d; j++) items[i * d + j] = codebook[a * d + j] + t * (codebook[b * d + j] - codebook[a * d + j]);
        }
        return items;
    }
}
