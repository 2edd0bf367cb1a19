using Xunit;
using static TorchSharp.torch;

namespace RqVae.Onnx.Tests.Export;

/// <summary>The summation order the graph copies is torch's, bit for bit, for short rows, long rows and rows with a tail.</summary>
public sealed class TorchRowSumTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(37)]
    [InlineData(384)]
    [InlineData(1100)]
    public void The_order_gives_torchs_row_sums_exactly(int dimension)
    {
        var lanes = TorchRowSum.DetectLanes(dimension);
        Assert.NotNull(lanes);
        var random = new Random(dimension);
        const int rows = 300;
        var x = new float[rows * dimension];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 10 - 5);
        float[] expected;
        using (NewDisposeScope()) expected = tensor(x, [rows, dimension]).pow(2).sum(1).data<float>().ToArray();
        var sequential = 0;
        for (var r = 0; r < rows; r++)
        {
            var squares = x.AsSpan(r * dimension, dimension).ToArray().Select(v => v * v).ToArray();
            Assert.Equal(expected[r], TorchRowSum.Sum(new TorchRowSum.FloatAlgebra(squares), dimension, lanes.Value)[0]);
            var plain = 0f;
            foreach (var s in squares) plain += s;
            if (plain != expected[r]) sequential++;
        }
        // The order matters: a plain left-to-right sum differs from torch's on many rows (not for 8 values in 8 lanes).
        if (dimension > 8) Assert.True(sequential > rows / 10, $"only {sequential} rows differ");
    }
}
