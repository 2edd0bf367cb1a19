using RqVae.Model;

namespace RqVae.Bench.Harness;

/// <summary>
/// Floating-point operations per item of the RQ-VAE (a multiply-add counts as 2), to express
/// throughput as a share of the machine's matrix-product rate. Only the matrix products are counted;
/// element-wise work (ReLU, losses, the optimizer) is a few per cent and is left out.
/// </summary>
internal static class ModelFlops
{
    /// <summary>Multiply-adds of one pass through one MLP with these layer widths.</summary>
    private static long MlpMacs(IReadOnlyList<int> widths)
    {
        long macs = 0;
        for (var i = 0; i + 1 < widths.Count; i++) macs += (long)widths[i] * widths[i + 1];
        return macs;
    }

    private static int[] EncoderWidths(RqVaeOptions o) => [o.InputDimension, .. o.HiddenDimensions, o.LatentDimension];

    /// <summary>Encoding: encoder forward plus one distance product per level.</summary>
    public static double Encode(RqVaeOptions o)
        => 2.0 * (MlpMacs(EncoderWidths(o)) + (long)o.Quantization.Levels * o.Quantization.CodebookSize * o.LatentDimension);

    /// <summary>
    /// One training sample: forward of encoder and decoder (1×), backward (2×: gradients of weights and
    /// of inputs) except the input gradient of the first encoder layer, which nobody needs; distances once.
    /// </summary>
    public static double Train(RqVaeOptions o)
    {
        var widths = EncoderWidths(o);
        var mlps = 2 * MlpMacs(widths); // decoder mirrors the encoder
        var firstLayer = (long)widths[0] * widths[1];
        var distances = (long)o.Quantization.Levels * o.Quantization.CodebookSize * o.LatentDimension;
        return 2.0 * (3 * mlps - firstLayer + distances);
    }
}
