using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class ResidualBeamSearchTests
{
    private static double MeanError(Tensor x, IReadOnlyList<Tensor> codebooks, Tensor codes)
    {
        var sum = zeros_like(x);
        for (var l = 0; l < codebooks.Count; l++) sum += codebooks[l].index_select(0, codes.select(1, l));
        return (x - sum).pow(2).sum(1).mean().item<float>();
    }

    [Fact]
    public void Beam_recovers_where_greedy_goes_wrong()
    {
        // Worked by hand, 1-D: x = 1. Level 1 codes {0.9, 0}, level 2 codes {1, −0.5}.
        // Greedy: 0.9 (residual 0.1), then −0.5 (residual 0.6): error 0.36.
        // Beam 2 also keeps 0 (residual 1), then 1 (residual 0): error 0.
        var x = tensor(new float[] { 1f }, [1, 1]);
        Tensor[] codebooks = [tensor(new float[] { 0.9f, 0f }, [2, 1]), tensor(new float[] { 1f, -0.5f }, [2, 1])];
        var greedy = ResidualBeamSearch.Encode(x, codebooks, 1);
        var beam = ResidualBeamSearch.Encode(x, codebooks, 2);
        Assert.Equal(new long[] { 0, 1 }, TestTensors.Longs(greedy));
        Assert.Equal(new long[] { 1, 0 }, TestTensors.Longs(beam));
        TestTensors.Near(0.36, MeanError(x, codebooks, greedy), 1e-6);
        TestTensors.Near(0.0, MeanError(x, codebooks, beam), 1e-6);
    }

    [Fact]
    public void Beam_is_no_worse_on_average_and_beam_one_is_greedy()
    {
        var generator = new Generator(21);
        var x = randn(2000, 8, generator: generator);
        var levels = new[] { 1.0, 0.6, 0.35 }.Select(scale =>
        {
            var q = new VectorQuantizer(16, 8);
            q.SetCodebook(scale * randn(16, 8, generator: generator));
            return q;
        }).ToArray();
        using var quantizer = new ResidualQuantizer(levels);
        var codebooks = levels.Select(q => q.Codebook.detach()).ToArray();

        var greedy = quantizer.Encode(x);
        Assert.Equal(TestTensors.Longs(greedy), TestTensors.Longs(ResidualBeamSearch.Encode(x, codebooks, 1)));
        var greedyError = MeanError(x, codebooks, greedy);
        var beamError = MeanError(x, codebooks, quantizer.Encode(x, beamWidth: 8));
        Assert.True(beamError < greedyError, $"beam {beamError} vs greedy {greedyError}");
        Assert.True(MeanError(x, codebooks, quantizer.Encode(x, beamWidth: 32)) <= beamError + 1e-6);
    }
}
