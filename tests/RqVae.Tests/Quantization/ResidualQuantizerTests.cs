using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class ResidualQuantizerTests
{
    private static ResidualQuantizer TwoLevels()
    {
        var first = new VectorQuantizer(2, 2);
        first.SetCodebook(TestTensors.Rows(new float[,] { { 0, 0 }, { 10, 0 } }));
        var second = new VectorQuantizer(3, 2);
        second.SetCodebook(TestTensors.Rows(new float[,] { { 0, 0 }, { 1, 1 }, { -1, 1 } }));
        return new ResidualQuantizer([first, second]);
    }

    [Fact]
    public void Each_level_quantizes_what_the_levels_before_left()
    {
        using var rq = TwoLevels();
        var z = TestTensors.Rows(new float[,] { { 9.2f, 0.9f }, { 0.1f, 0.1f }, { -0.8f, 1.3f } });
        // Row 0: level 1 → (10,0), residual (−0.8, 0.9) → (−1,1). Row 1: (0,0), residual (0.1,0.1) → (0,0).
        // Row 2: (0,0), residual (−0.8,1.3) → (−1,1).
        var output = rq.forward(z);
        Assert.Equal(new long[] { 1, 2, 0, 0, 0, 2 }, TestTensors.Longs(output.Codes));
        Assert.Equal(new long[] { 1, 2, 0, 0, 0, 2 }, TestTensors.Longs(rq.Encode(z)));
        TestTensors.Near(new float[] { 9, 1, 0, 0, -1, 1 }, TestTensors.Flat(output.Quantized));
        TestTensors.Near(new float[] { 9, 1, 0, 0, -1, 1 }, TestTensors.Flat(rq.Decode(output.Codes)));
    }

    [Fact]
    public void Straight_through_passes_the_gradient_to_the_latent_unchanged()
    {
        using var rq = TwoLevels();
        var z = TestTensors.Rows(new float[,] { { 9.2f, 0.9f }, { 0.1f, 0.1f } }).requires_grad_(true);
        var upstream = TestTensors.Rows(new float[,] { { 1, -2 }, { 3, 0.5f } });
        (rq.forward(z).Quantized * upstream).sum().backward();
        // Exactly the upstream gradient: not 2× it, as a per-level straight-through sum would give with two levels.
        TestTensors.Near(TestTensors.Flat(upstream), TestTensors.Flat(z.grad!), 0);
    }

    [Fact]
    public void Losses_are_summed_over_levels()
    {
        using var rq = TwoLevels();
        var z = TestTensors.Rows(new float[,] { { 9.2f, 0.9f } });
        var output = rq.forward(z);
        // Level 1: r=(9.2,0.9), e=(10,0): (0.64+0.81)/2 = 0.725. Level 2: r=(−0.8,0.9), e=(−1,1): (0.04+0.01)/2 = 0.025.
        TestTensors.Near(0.75, output.CommitmentLoss.item<float>(), 1e-5);
        TestTensors.Near(0.75, output.CodebookLoss.item<float>(), 1e-5);
    }
}
