using RqVae.Tokenizers;

namespace RqVae.SemanticIds;

/// <summary>
/// The vectors a tokenizer quantizes (its code space) and the residual each item's last level sees:
/// what collision handling needs to find a near, free last-level code.
/// </summary>
public static class CodeSpace
{
    /// <summary>
    /// The input of the last level for each item, r_L = v − Σ_{l&lt;L} codebook_l[id_l], row-major [N, CodeDimension].
    /// </summary>
    public static float[] LastLevelResiduals(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, SemanticIdTable ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var vectors = tokenizer.CodeSpaceVectors(features);
        var d = tokenizer.CodeDimension;
        if (vectors.Length != ids.Count * d) throw new ArgumentException($"{ids.Count} IDs for {vectors.Length / d} feature rows.", nameof(ids));
        var codeSums = tokenizer.CodeVectors(ids);
        var last = tokenizer.Codebooks()[^1];
        var levels = ids.Levels;
        for (var i = 0; i < ids.Count; i++)
        {
            var code = ids.Code(i, levels - 1);
            for (var j = 0; j < d; j++)
                vectors[i * d + j] = vectors[i * d + j] - codeSums[i * d + j] + last[code * d + j];
        }
        return vectors;
    }
}
