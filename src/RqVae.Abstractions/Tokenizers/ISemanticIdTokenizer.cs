using RqVae.SemanticIds;

namespace RqVae.Tokenizers;

/// <summary>
/// A fitted model that turns feature vectors into semantic IDs and back. Implementations are
/// immutable after fitting and safe to call from several threads at once.
/// </summary>
public interface ISemanticIdTokenizer : IDisposable
{
    /// <summary>Width of the feature vectors it accepts.</summary>
    int InputDimension { get; }

    /// <summary>L, the length of every ID.</summary>
    int Levels { get; }

    /// <summary>K, the number of codes per level.</summary>
    int CodebookSize { get; }

    /// <summary>Width of a code vector (the latent for an RQ-VAE, the input for residual k-means).</summary>
    int CodeDimension { get; }

    /// <summary>The semantic IDs of the rows of <paramref name="features"/> (row-major, width <see cref="InputDimension"/>).</summary>
    SemanticIdTable Encode(ReadOnlySpan<float> features);

    /// <summary>The reconstruction of each row from its ID, row-major, width <see cref="InputDimension"/>.</summary>
    float[] Reconstruct(SemanticIdTable ids);

    /// <summary>The code vector of each ID, Σ_l codebook_l[id_l], row-major, width <see cref="CodeDimension"/>.</summary>
    float[] CodeVectors(SemanticIdTable ids);

    /// <summary>A copy of each level's codebook, row-major [K, <see cref="CodeDimension"/>].</summary>
    IReadOnlyList<float[]> Codebooks();
}
