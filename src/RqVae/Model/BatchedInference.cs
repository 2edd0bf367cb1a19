using RqVae.SemanticIds;
using static TorchSharp.torch;

namespace RqVae.Model;

/// <summary>
/// Runs a model over many rows in batches, without autograd, each batch in its own dispose scope:
/// features → outputs (IDs, latents) and IDs → vectors (reconstructions, code vectors). Shared by
/// both tokenizers so the batching, the checks and the copying out exist once.
/// </summary>
internal static class BatchedInference
{
    /// <summary>
    /// Applies <paramref name="map"/> to the rows of <paramref name="features"/> (width <paramref name="dimension"/>)
    /// in batches of <paramref name="batchSize"/>; each batch's result, [rows, <paramref name="outputWidth"/>], is
    /// converted to <typeparamref name="T"/> (int or float) and copied out row-major.
    /// </summary>
    public static T[] OverRows<T>(ReadOnlySpan<float> features, int dimension, int outputWidth, int batchSize, Func<Tensor, Tensor> map)
        where T : unmanaged
    {
        var rows = CheckRows(features, dimension);
        var type = typeof(T) == typeof(int) ? ScalarType.Int32
            : typeof(T) == typeof(float) ? ScalarType.Float32
            : throw new NotSupportedException($"Outputs of type {typeof(T).Name} are not supported.");
        var result = new T[rows * outputWidth];
        for (var start = 0; start < rows; start += batchSize)
        {
            var count = Math.Min(batchSize, rows - start);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = ToTensor(features.Slice(start * dimension, count * dimension), count, dimension);
            map(x).to(type).contiguous().data<T>().CopyTo(result.AsSpan(start * outputWidth, count * outputWidth));
        }
        return result;
    }

    /// <summary>
    /// Applies <paramref name="map"/> to <paramref name="ids"/> as int64 [rows, L] batches of <paramref name="batchSize"/>;
    /// each batch's float result, [rows, <paramref name="outputWidth"/>], is copied out row-major.
    /// </summary>
    /// <exception cref="ArgumentException">IDs of another length than <paramref name="levels"/>, or a code outside 0..<paramref name="codebookSize"/> − 1.</exception>
    public static float[] OverIds(SemanticIdTable ids, int levels, int codebookSize, int outputWidth, int batchSize, Func<Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Levels != levels) throw new ArgumentException($"IDs have {ids.Levels} levels but the model has {levels}.", nameof(ids));
        foreach (var c in ids.Codes)
            if ((uint)c >= (uint)codebookSize) throw new ArgumentException($"Code {c} is outside 0..{codebookSize - 1}.", nameof(ids));
        var result = new float[ids.Count * outputWidth];
        for (var start = 0; start < ids.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, ids.Count - start);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var codes = tensor(ids.Codes.Slice(start * levels, count * levels).ToArray(), [count, levels]).to(ScalarType.Int64);
            map(codes).contiguous().data<float>().CopyTo(result.AsSpan(start * outputWidth, count * outputWidth));
        }
        return result;
    }

    /// <summary>The number of rows of <paramref name="features"/>; refuses a length that is not a whole number of rows.</summary>
    public static int CheckRows(ReadOnlySpan<float> features, int dimension)
    {
        if (features.Length % dimension != 0)
            throw new ArgumentException($"{features.Length} values are not a whole number of rows of width {dimension}; the features do not fit this model.", nameof(features));
        return features.Length / dimension;
    }

    /// <summary>A float32 [rows, dimension] tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor ToTensor(ReadOnlySpan<float> values, int rows, int dimension)
    {
        var t = empty(rows, dimension, dtype: ScalarType.Float32);
        t.data<float>().CopyFrom(values);
        return t;
    }
}
