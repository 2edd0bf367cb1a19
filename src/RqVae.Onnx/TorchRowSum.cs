using RqVae.Platform;
using static TorchSharp.torch;

namespace RqVae.Onnx;

/// <summary>
/// The order in which LibTorch adds up a row of a contiguous float32 tensor (<c>t.sum(1)</c>), written once over an
/// abstract addition so that the same order can be evaluated in C# (to check it against torch) and emitted as ONNX
/// <c>Add</c> nodes (so the graph's ‖r‖² is torch's bit for bit; ONNX Runtime's <c>ReduceSumSquare</c> adds in
/// another order and rounds differently for about half the rows).
/// </summary>
/// <remarks>
/// ATen's vectorised inner sum (<c>SumKernel.cpp</c>: <c>vectorized_inner_sum</c> → <c>row_sum</c> →
/// <c>multi_row_sum</c>): the row is read as vectors of <c>lanes</c> values; vectors are summed into four interleaved
/// accumulators (a cascade of four levels for long rows), the four are added in order, then the scalar tail and the
/// lanes are added one by one to a zero. <c>lanes</c> is ATen's vector width, 8 for its AVX2 kernels and 16 for
/// AVX-512; <see cref="DetectLanes"/> finds the one this process uses by comparing with torch.
/// </remarks>
internal static class TorchRowSum
{
    private const int Ilp = 4;
    private const int CascadeLevels = 4;

    /// <summary>The operations the order is written in: T is a block of rows × width values (null is zero).</summary>
    internal interface IAlgebra<T> where T : class
    {
        /// <summary>Columns [start, start + width) of the row.</summary>
        T Columns(int start, int width);

        /// <summary>Lane-wise a + b, rounded once (IEEE single).</summary>
        T Add(T a, T b);

        /// <summary>Lane <paramref name="lane"/> of a block, width 1.</summary>
        T Lane(T block, int lane);
    }

    /// <summary>The row sum of <paramref name="dimension"/> values, in torch's order for vectors of <paramref name="lanes"/>.</summary>
    public static T Sum<T>(IAlgebra<T> algebra, int dimension, int lanes) where T : class
    {
        if (dimension < lanes) return RowSum(algebra, 1, dimension) ?? algebra.Columns(0, 1);
        var vectors = dimension / lanes;
        var partial = RowSum(algebra, lanes, vectors)!;
        T? total = null;
        for (var k = vectors * lanes; k < dimension; k++) total = Add(algebra, total, algebra.Columns(k, 1));
        for (var l = 0; l < lanes; l++) total = Add(algebra, total, algebra.Lane(partial, l));
        return total!;
    }

    /// <summary>
    /// The lane width for which <see cref="Sum{T}"/> gives torch's own <c>pow(2).sum(1)</c> on this machine for rows of
    /// <paramref name="dimension"/> values (checked on pseudo-random rows), or null when neither width does.
    /// </summary>
    public static int? DetectLanes(int dimension)
    {
        const int rows = 512;
        var random = new Random(20_250_101);
        var x = new float[rows * dimension];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        float[] expected;
        using (var scope = NewDisposeScope())
        using (no_grad())
            expected = tensor(x, [rows, dimension]).pow(Scalars.Two).sum(1).contiguous().data<float>().ToArray();
        foreach (var lanes in new[] { 8, 16 })
        {
            var all = true;
            for (var r = 0; r < rows && all; r++)
            {
                var squares = new float[dimension];
                for (var j = 0; j < dimension; j++) squares[j] = x[r * dimension + j] * x[r * dimension + j];
                all = Sum(new FloatAlgebra(squares), dimension, lanes)[0] == expected[r];
            }
            if (all) return lanes;
        }
        return null;
    }

    // row_sum: `size` blocks of `width` columns, four interleaved partial sums.
    private static T? RowSum<T>(IAlgebra<T> algebra, int width, int size) where T : class
    {
        var rows = size / Ilp;
        var partial = MultiRowSum(algebra, width, rows);
        for (var i = rows * Ilp; i < size; i++) partial[0] = Add(algebra, partial[0], algebra.Columns(i * width, width));
        for (var k = 1; k < Ilp; k++) partial[0] = Add(algebra, partial[0], partial[k]);
        return partial[0];
    }

    // multi_row_sum: rows of Ilp blocks, summed in a cascade of CascadeLevels accumulators.
    private static T?[] MultiRowSum<T>(IAlgebra<T> algebra, int width, int size) where T : class
    {
        var power = Math.Max(4, CeilLog2(size) / CascadeLevels);
        var step = 1 << power;
        var mask0 = step - 1;
        var acc = new T?[CascadeLevels][];
        for (var j = 0; j < CascadeLevels; j++) acc[j] = new T?[Ilp];
        void AddRow(int i)
        {
            for (var k = 0; k < Ilp; k++) acc[0][k] = Add(algebra, acc[0][k], algebra.Columns((i * Ilp + k) * width, width));
        }
        var i = 0;
        while (i + step <= size)
        {
            for (var j = 0; j < step; j++, i++) AddRow(i);
            for (var j = 1; j < CascadeLevels; j++)
            {
                for (var k = 0; k < Ilp; k++)
                {
                    acc[j][k] = Add(algebra, acc[j][k], acc[j - 1][k]);
                    acc[j - 1][k] = null;
                }
                if ((i & (mask0 << (j * power))) != 0) break;
            }
        }
        for (; i < size; i++) AddRow(i);
        for (var j = 1; j < CascadeLevels; j++)
            for (var k = 0; k < Ilp; k++) acc[0][k] = Add(algebra, acc[0][k], acc[j][k]);
        return acc[0];
    }

    // Adding to zero is exact (the values summed are squares, never −0), so a zero accumulator is just skipped.
    private static T? Add<T>(IAlgebra<T> algebra, T? a, T? b) where T : class
        => a is null ? b : b is null ? a : algebra.Add(a, b);

    private static int CeilLog2(int x) => x <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(x - 1));

    /// <summary>The order evaluated on one row of values in C#.</summary>
    internal sealed class FloatAlgebra(float[] row) : IAlgebra<float[]>
    {
        public float[] Columns(int start, int width) => row.AsSpan(start, width).ToArray();

        public float[] Add(float[] a, float[] b)
        {
            var sum = new float[a.Length];
            for (var i = 0; i < a.Length; i++) sum[i] = a[i] + b[i];
            return sum;
        }

        public float[] Lane(float[] block, int lane) => [block[lane]];
    }
}
