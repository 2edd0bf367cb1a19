using static TorchSharp.torch;

namespace RqVae.Tests.Support;

/// <summary>Builds tensors from C# arrays, reads their values back as arrays, and compares values within a tolerance.</summary>
internal static class TestTensors
{
    public static Tensor Rows(float[,] values)
    {
        var rows = values.GetLength(0);
        var cols = values.GetLength(1);
        var flat = new float[rows * cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                flat[i * cols + j] = values[i, j];
        return tensor(flat, [rows, cols]);
    }

    public static float[] Flat(Tensor t) => t.detach().contiguous().to(ScalarType.Float32).data<float>().ToArray();

    public static long[] Longs(Tensor t) => t.contiguous().to(ScalarType.Int64).data<long>().ToArray();

    public static void Near(double expected, double actual, double tolerance = 1e-5)
        => Xunit.Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual} (tolerance {tolerance})");

    public static void Near(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Xunit.Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }
}
