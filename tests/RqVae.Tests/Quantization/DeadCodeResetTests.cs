using RqVae.Metrics;
using RqVae.Quantization;
using RqVae.SemanticIds;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class DeadCodeResetTests
{
    // 8 tight groups of points near the origin; codes 0..3 sit on four of them, codes 4..7 far away where
    // no point ever goes: half the codebook is starved and nearest-code assignment never revives it.
    private static (ResidualQuantizer Quantizer, Tensor Data) Starved()
    {
        var generator = new Generator(7);
        var centres = randn(8, 4, generator: generator);
        var data = centres.repeat(64, 1) + 0.01 * randn(512, 4, generator: generator);
        var level = new VectorQuantizer(8, 4);
        level.SetCodebook(cat([centres.narrow(0, 0, 4), full(4, 4, 100f)], 0));
        return (new ResidualQuantizer([level]), data);
    }

    private static int ActiveCodes(ResidualQuantizer quantizer, Tensor data)
    {
        var codes = quantizer.Encode(data).to(ScalarType.Int32).data<int>().ToArray();
        return CodebookUsage.Compute(new SemanticIdTable(codes, 1), 8)[0].ActiveCodes;
    }

    [Fact]
    public void Starved_codes_are_revived_and_counted()
    {
        var (quantizer, data) = Starved();
        Assert.Equal(4, ActiveCodes(quantizer, data));
        var reset = new DeadCodeReset(levels: 1, codebookSize: 8, threshold: 0.05, decay: 0.9);
        var resets = 0;
        for (var step = 0; step < 3 * reset.WarmupSteps; step++)
        {
            var batch = data.narrow(0, step * 64 % 512, 64);
            resets += reset.AfterStep(quantizer, batch, quantizer.Encode(batch));
        }
        Assert.Equal(8, ActiveCodes(quantizer, data));
        Assert.True(resets >= 4, $"only {resets} resets");
        Assert.Equal(resets, reset.TotalResets);
        // Every code is now in use and none is reset again.
        Assert.All(reset.Usage(0), u => Assert.True(u > 0.05, $"usage {u}"));
    }

    [Fact]
    public void Nothing_is_reset_before_the_usage_window_is_full()
    {
        var (quantizer, data) = Starved();
        var reset = new DeadCodeReset(levels: 1, codebookSize: 8, threshold: 0.05, decay: 0.9);
        for (var step = 0; step < reset.WarmupSteps - 1; step++)
            Assert.Equal(0, reset.AfterStep(quantizer, data, quantizer.Encode(data)));
        Assert.Equal(4, ActiveCodes(quantizer, data));
    }

    [Fact]
    public void Reset_runs_without_autograd()
    {
        var (quantizer, data) = Starved();
        var reset = new DeadCodeReset(levels: 1, codebookSize: 8, threshold: 0.05, decay: 0.5);
        var latent = data.clone().requires_grad_(true);
        for (var step = 0; step < 4; step++) reset.AfterStep(quantizer, latent, quantizer.Encode(data));
        Assert.True(reset.TotalResets > 0);
        Assert.Null(quantizer.Levels[0].Codebook.grad);
        Assert.True(quantizer.Levels[0].Codebook.requires_grad);
    }
}
