using RqVae.Inference;
using RqVae.Model;
using RqVae.Quantization;
using RqVae.SemanticIds;
using RqVae.Tests.Support;
using RqVae.Training;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Inference;

/// <summary>The fast inference path must give exactly the plain encoder's IDs: it is a speed-up, not another model.</summary>
public sealed class FastEncoderTests
{
    private static RqVaeTokenizer Trained(SyntheticClusters data)
    {
        var options = new RqVaeTrainerOptions
        {
            Model = new RqVaeOptions { HiddenDimensions = [24, 12], LatentDimension = 6, Quantization = new QuantizerOptions { Levels = 3, CodebookSize = 16 } },
            Epochs = 3,
            BatchSize = 64,
            EvaluateEvery = 0,
            Threads = 1,
        };
        return new RqVaeTrainer(options).Fit(data.Features, data.Dimension).Tokenizer;
    }

    [Fact]
    public void Trained_model_gives_the_plain_ids_on_clustered_data()
    {
        var data = SyntheticClusters.Create(clusters: 12, perCluster: 40, dimension: 20, spread: 0.3);
        using var tokenizer = Trained(data);
        using var fast = new FastEncoder(tokenizer);
        var plain = tokenizer.Encode(data.Features);
        Assert.True(fast.IsAccelerated);
        Assert.Equal(plain.Codes.ToArray(), fast.Encode(data.Features).Codes.ToArray());
        // Not a degenerate model: the comparison means something only if the IDs vary.
        Assert.True(plain.Codes.ToArray().Distinct().Count() > 8);
    }

    [Theory]
    [InlineData(4096, 1000)]  // one short batch
    [InlineData(4096, 9000)]  // two full batches and a short one: the reused buffer and the fresh one
    public void Random_model_gives_the_plain_ids_on_random_data(int batchSize, int rows)
    {
        manual_seed(3);
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = 32, HiddenDimensions = [64, 32], LatentDimension = 8, Quantization = new QuantizerOptions { CodebookSize = 32 } }));
        // Codebooks spread over where this random encoder's latents actually lie, so IDs differ from row to row.
        var random = new Random(5);
        var features = new float[rows * 32];
        for (var i = 0; i < features.Length; i++) features[i] = (float)(random.NextDouble() * 4 - 2);
        var latents = tokenizer.Latents(features);
        foreach (var level in tokenizer.Module.Quantizer.Levels)
        {
            using var codes = tensor(latents.AsSpan(0, 32 * 8).ToArray(), [32, 8]).mul(1.0 / (level == tokenizer.Module.Quantizer.Levels[0] ? 1 : 4));
            level.SetCodebook(codes);
        }
        using var fast = new FastEncoder(tokenizer, new FastEncoderOptions { BatchSize = batchSize, Threads = 1 });
        var plain = tokenizer.Encode(features);
        Assert.Equal(plain.Codes.ToArray(), fast.Encode(features).Codes.ToArray());
        Assert.True(plain.Codes.ToArray().Distinct().Count() > 10);
    }

    [Fact]
    public void Single_pass_residuals_are_bit_for_bit_those_collision_handling_computes_from_the_tokenizer()
    {
        var data = SyntheticClusters.Create(clusters: 12, perCluster: 400, dimension: 20, spread: 0.3);
        using var tokenizer = Trained(data);
        // Batches of 1,000 over 4,800 rows: the reused buffer and a short last batch.
        using var fast = new FastEncoder(tokenizer, new FastEncoderOptions { BatchSize = 1000, Threads = 1 });
        var residuals = new float[data.Rows * tokenizer.CodeDimension];
        var ids = fast.Encode(data.Features, residuals);
        Assert.Equal(tokenizer.Encode(data.Features).Codes.ToArray(), ids.Codes.ToArray());
        Assert.Equal(CodeSpace.LastLevelResiduals(tokenizer, data.Features, ids), residuals);
        // And what that is, computed independently in double precision: latent − codebook₀[id₀] − codebook₁[id₁].
        var latents = tokenizer.Latents(data.Features);
        var codebooks = tokenizer.Codebooks();
        var d = tokenizer.CodeDimension;
        for (var i = 0; i < data.Rows; i++)
            for (var j = 0; j < d; j++)
            {
                double expected = latents[i * d + j];
                for (var l = 0; l < tokenizer.Levels - 1; l++) expected -= codebooks[l][ids.Code(i, l) * d + j];
                Assert.Equal(expected, residuals[i * d + j], 1e-5);
            }
        Assert.Throws<ArgumentException>(() => fast.Encode(data.Features, new float[3]));
    }

    [Fact]
    public void Empty_input_gives_an_empty_table_and_ragged_input_is_rejected()
    {
        manual_seed(1);
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = 8, HiddenDimensions = [8], LatentDimension = 4, Quantization = new QuantizerOptions { CodebookSize = 4 } }));
        using var fast = new FastEncoder(tokenizer);
        Assert.Equal(0, fast.Encode([]).Count);
        Assert.Throws<ArgumentException>(() => fast.Encode(new float[9]));
    }

    [Fact]
    public void BFloat16_is_off_by_default_and_when_on_keeps_most_ids()
    {
        Assert.False(new FastEncoderOptions().BFloat16);
        var data = SyntheticClusters.Create(clusters: 12, perCluster: 40, dimension: 20, spread: 0.3);
        using var tokenizer = Trained(data);
        using var bf16 = new FastEncoder(tokenizer, new FastEncoderOptions { BFloat16 = true });
        var plain = tokenizer.Encode(data.Features).Codes.ToArray();
        var reduced = bf16.Encode(data.Features).Codes.ToArray();
        // Well-separated clusters: the level-1 code (the cluster) survives bfloat16 rounding.
        var level1Same = Enumerable.Range(0, plain.Length / 3).Count(r => plain[r * 3] == reduced[r * 3]);
        Assert.True(level1Same >= 0.95 * (plain.Length / 3), $"level-1 agreement {level1Same} of {plain.Length / 3}");
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastEncoderOptions { BatchSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FastEncoderOptions { Threads = -1 }.Validate());
    }
}
