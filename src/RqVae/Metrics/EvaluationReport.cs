using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tokenizers;

namespace RqVae.Metrics;

/// <summary>Every quality figure of a tokenizer on a data set.</summary>
/// <param name="Items">N.</param>
/// <param name="Reconstruction">MSE, MAE and mean cosine of the reconstructions from the IDs.</param>
/// <param name="Levels">Code usage per level.</param>
/// <param name="Collisions">Whole-ID collisions.</param>
public sealed record EvaluationReport(int Items, ReconstructionMetrics Reconstruction, IReadOnlyList<LevelUsage> Levels, CollisionStats Collisions)
{
    /// <summary>Encodes <paramref name="features"/> and measures everything, streaming in batches of <paramref name="batchRows"/> rows.</summary>
    public static EvaluationReport Evaluate(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, int batchRows = 8192)
        => Evaluate(tokenizer, features, out _, batchRows);

    /// <summary>As <see cref="Evaluate(ISemanticIdTokenizer, ReadOnlySpan{float}, int)"/>, also returning the IDs.</summary>
    public static EvaluationReport Evaluate(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, out SemanticIdTable ids, int batchRows = 8192)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Measure(tokenizer, features, tokenizer.Encode, out ids, batchRows);
    }

    /// <summary>
    /// Measures IDs encoded some other way than the tokenizer's own <see cref="ISemanticIdTokenizer.Encode(ReadOnlySpan{float})"/>
    /// (a beam, a fast path), row i of <paramref name="ids"/> being the ID of row i of <paramref name="features"/>.
    /// </summary>
    public static EvaluationReport Of(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, SemanticIdTable ids, int batchRows = 8192)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(ids);
        var rows = features.Length / tokenizer.InputDimension;
        if (ids.Count != rows) throw new ArgumentException($"{ids.Count} IDs for {rows} feature rows.", nameof(ids));
        var next = 0;
        return Measure(tokenizer, features, slice =>
        {
            var count = slice.Length / tokenizer.InputDimension;
            var part = ids.Slice(next, count);
            next += count;
            return part;
        }, out _, batchRows);
    }

    private static EvaluationReport Measure(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, Func<ReadOnlySpan<float>, SemanticIdTable> encode,
        out SemanticIdTable ids, int batchRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        var dimension = tokenizer.InputDimension;
        var accumulator = new ReconstructionAccumulator();
        var parts = new List<SemanticIdTable>();
        var rows = features.Length / dimension;
        for (var start = 0; start < rows; start += batchRows)
        {
            var count = Math.Min(batchRows, rows - start);
            var slice = features.Slice(start * dimension, count * dimension);
            var part = encode(slice);
            accumulator.Add(slice, tokenizer.Reconstruct(part), dimension);
            parts.Add(part);
        }
        ids = parts.Count == 0 ? new SemanticIdTable([], tokenizer.Levels) : SemanticIdTable.Concat(parts);
        return new EvaluationReport(rows, accumulator.Result(), CodebookUsage.Compute(ids, tokenizer.CodebookSize), CollisionStats.Compute(ids));
    }
}
