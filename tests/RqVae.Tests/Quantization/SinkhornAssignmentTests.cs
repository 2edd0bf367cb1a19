using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class SinkhornAssignmentTests
{
    [Fact]
    public void Skewed_input_is_balanced_within_tolerance()
    {
        // 512 points, all nearer to code 0 than to any other: nearest-code assignment puts every one on code 0.
        var generator = new Generator(5);
        var codes = randn(8, 6, generator: generator) * 3;
        var points = codes[0].unsqueeze(0) + 0.5 * randn(512, 6, generator: generator);
        using var quantizer = new VectorQuantizer(8, 6);
        quantizer.SetCodebook(codes);
        var distances = quantizer.SquaredDistances(points);
        Assert.True(bincount(distances.argmin(1), minlength: 8)[0].item<long>() > 400, "the input is not skewed");

        var balanced = new SinkhornAssignment(epsilon: 0.003, iterations: 100).Assign(distances);
        var counts = TestTensors.Longs(bincount(balanced, minlength: 8));
        Assert.All(counts, c => Assert.InRange(c, 64 - 8, 64 + 8));
    }

    [Fact]
    public void Balanced_level_is_used_in_encoding()
    {
        var generator = new Generator(6);
        var codes = randn(4, 3, generator: generator) * 3;
        var points = codes[1].unsqueeze(0) + 0.3 * randn(200, 3, generator: generator);
        using var level = new VectorQuantizer(4, 3);
        level.SetCodebook(codes);
        using var quantizer = new ResidualQuantizer([level]);
        Assert.Single(TestTensors.Longs(quantizer.Encode(points)).Distinct());
        using var balancedLevel = new VectorQuantizer(4, 3, balancing: new SinkhornAssignment(0.003, 100));
        balancedLevel.SetCodebook(codes);
        using var balanced = new ResidualQuantizer([balancedLevel]);
        var counts = TestTensors.Longs(bincount(balanced.Encode(points).select(1, 0), minlength: 4));
        Assert.All(counts, c => Assert.InRange(c, 45, 55));
    }

    [Fact]
    public void Non_finite_distances_fall_back_to_nearest_with_a_warning()
    {
        var distances = tensor(new float[] { 1, 2, 0, 3, float.NaN, 1 }, [3, 2]);
        var warnings = new List<string>();
        var sinkhorn = new SinkhornAssignment(0.003, 50, warnings.Add);
        var codes = TestTensors.Longs(sinkhorn.Assign(distances));
        Assert.Equal(TestTensors.Longs(distances.argmin(1)), codes);
        Assert.Single(warnings);
        Assert.Contains("fell back", warnings[0]);
        Assert.Equal(1, sinkhorn.Fallbacks);
    }
}
