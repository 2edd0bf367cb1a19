using RqVae.Model;
using RqVae.SemanticIds;

namespace RqVae.Tokenizers;

/// <summary>
/// A fitted model that turns feature vectors into semantic IDs and back. Implementations are
/// immutable after fitting and safe to call from several threads at once. Every kind of tokenizer
/// (an RQ-VAE, residual k-means, …) is used through this contract alone; how a kind is trained and
/// loaded is its <c>ITokenizerKind</c>'s business.
/// </summary>
public interface ISemanticIdTokenizer : IDisposable
{
    /// <summary>The kind's name as <c>config.json</c> records it, e.g. "rqvae".</summary>
    string Kind { get; }

    /// <summary>Width of the feature vectors it accepts.</summary>
    int InputDimension { get; }

    /// <summary>L, the length of every ID.</summary>
    int Levels { get; }

    /// <summary>K, the number of codes per level.</summary>
    int CodebookSize { get; }

    /// <summary>Width of a code vector (the latent for an RQ-VAE, the input for residual k-means).</summary>
    int CodeDimension { get; }

    /// <summary>The beam <see cref="Encode(ReadOnlySpan{float})"/> uses: the one the model was saved with (1 is greedy).</summary>
    int BeamWidth { get; }

    /// <summary>The semantic IDs of the rows of <paramref name="features"/> (row-major, width <see cref="InputDimension"/>), with the saved beam.</summary>
    SemanticIdTable Encode(ReadOnlySpan<float> features);

    /// <summary>
    /// The semantic IDs of the rows of <paramref name="features"/> keeping <paramref name="beamWidth"/> partial codes
    /// per level (1: greedy), whatever beam the model was saved with.
    /// </summary>
    /// <exception cref="ArgumentException">The model cannot encode with that beam (the message says why).</exception>
    SemanticIdTable Encode(ReadOnlySpan<float> features, int beamWidth);

    /// <summary>
    /// An encoder for <paramref name="options"/> (beam, bfloat16, batch size): the fastest way this kind has to
    /// give those IDs. Dispose it before the tokenizer.
    /// </summary>
    /// <exception cref="ArgumentException">An option this kind cannot honour (the message names it and why).</exception>
    IIdEncoder CreateEncoder(EncodingOptions options);

    /// <summary>The vectors the first level quantizes (the code space), row-major [N, <see cref="CodeDimension"/>].</summary>
    float[] CodeSpaceVectors(ReadOnlySpan<float> features);

    /// <summary>The reconstruction of each row from its ID, row-major, width <see cref="InputDimension"/>.</summary>
    float[] Reconstruct(SemanticIdTable ids);

    /// <summary>The code vector of each ID, Σ_l codebook_l[id_l], row-major, width <see cref="CodeDimension"/>.</summary>
    float[] CodeVectors(SemanticIdTable ids);

    /// <summary>A copy of each level's codebook, row-major [K, <see cref="CodeDimension"/>].</summary>
    IReadOnlyList<float[]> Codebooks();

    /// <summary>SHA-256 (lower-case hex) of the weights as saved.</summary>
    string WeightsSha256();

    /// <summary>What identifies the model in ID tables: its settings and weights together (see <see cref="ModelIdentity"/>).</summary>
    ModelIdentity Identity();

    /// <summary>
    /// Saves the model into <paramref name="directory"/> (<c>config.json</c> and the weights, each written
    /// atomically, weights first, so the config never names weights that are not there).
    /// </summary>
    void Save(string directory, IReadOnlyDictionary<string, string>? trainingFacts = null);
}
