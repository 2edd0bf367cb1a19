using RqVae.Inference;
using RqVae.Tokenizers;

namespace RqVae.SemanticIds;

/// <summary>
/// The vectors a tokenizer quantizes (its code space) and the residual each item's last level sees:
/// what collision handling needs to find a near, free last-level code.
/// </summary>
public static class CodeSpace
{
    /// <summary>
    /// The input of the last level for each item, r_L = (…((v − c_1) − c_2) …) − c_{L−1} with c_l = codebook_l[id_l],
    /// row-major [N, CodeDimension]. The subtractions run level by level, as the quantizer performs them, so the result is
    /// bit for bit the residual an encoder that keeps it (<see cref="EncodeWithLastLevelResiduals"/>) hands over.
    /// </summary>
    public static float[] LastLevelResiduals(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features, SemanticIdTable ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var vectors = tokenizer.CodeSpaceVectors(features);
        var d = tokenizer.CodeDimension;
        if (vectors.Length != ids.Count * d) throw new ArgumentException($"{ids.Count} IDs for {vectors.Length / d} feature rows.", nameof(ids));
        var codebooks = tokenizer.Codebooks();
        for (var i = 0; i < ids.Count; i++)
        {
            var row = vectors.AsSpan(i * d, d);
            for (var l = 0; l < ids.Levels - 1; l++)
            {
                var code = codebooks[l].AsSpan(ids.Code(i, l) * d, d);
                for (var j = 0; j < d; j++) row[j] -= code[j];
            }
        }
        return vectors;
    }

    /// <summary>
    /// The IDs <paramref name="encoder"/> gives the rows of <paramref name="features"/> and their
    /// <see cref="LastLevelResiduals"/>: in the encoder's single pass where it keeps them (the RQ-VAE's fast greedy
    /// encoder does), else by running the tokenizer's encoder once more.
    /// </summary>
    public static (SemanticIdTable Ids, float[] LastLevelResiduals) EncodeWithLastLevelResiduals(IIdEncoder encoder, ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> features)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (encoder is ILastLevelResidualEncoder single)
        {
            var residuals = new float[features.Length / tokenizer.InputDimension * tokenizer.CodeDimension];
            return (single.Encode(features, residuals), residuals);
        }
        var ids = encoder.Encode(features);
        return (ids, LastLevelResiduals(tokenizer, features, ids));
    }
}
