using System.Text.Json.Serialization;

namespace RqVae.ResidualKMeans;

/// <summary>
/// How to fit residual k-means (no network): k-means on the inputs, then on what level 1 leaves, and so
/// on, level by level (OneRec; FAISS <c>ResidualQuantizer</c> without its beam-aware refinement).
/// Saved with the model, so every member must stay serialisable; the k-means settings carry the names they were
/// first saved under, so older model folders still load.
/// </summary>
public sealed record ResidualKMeansOptions
{
    /// <summary>Number of levels, i.e. the length of a semantic ID. Default 3.</summary>
    public int Levels { get; init; } = 3;

    /// <summary>Codes per level (K). Default 256.</summary>
    public int CodebookSize { get; init; } = 256;

    /// <summary>Lloyd iterations per level (per dimension step, see <see cref="ProgressiveDimensionSteps"/>) after k-means++ seeding. Default 25, FAISS's value.</summary>
    [JsonPropertyName("iterations")]
    public int KMeansIterations { get; init; } = 25;

    /// <summary>
    /// Dimension steps of progressive k-means per level (see <see cref="Quantization.KMeans.FitProgressive"/>;
    /// FAISS's residual quantizer does the same by default): each step runs <see cref="KMeansIterations"/> Lloyd
    /// iterations on more principal coordinates. 1 is plain k-means++ and Lloyd. Default 10, FAISS's value:
    /// on 768-d vectors it lowers the reconstruction error by about 2 % for about twice the fitting time.
    /// </summary>
    public int ProgressiveDimensionSteps { get; init; } = 10;

    /// <summary>Items sampled to fit the codebooks (all of them if fewer). Default 100,000.</summary>
    [JsonPropertyName("sampleSize")]
    public int KMeansSampleSize { get; init; } = 100_000;

    /// <summary>Seeds the sampling and the k-means++ seeding. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Partial codes kept per item when encoding (beam search); 1 (default) is greedy.</summary>
    public int BeamWidth { get; init; } = 1;

    /// <summary>Threads torch may use (process-wide); 0 keeps torch's own choice. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid member.</summary>
    public ResidualKMeansOptions Validate()
    {
        Require(Levels is > 0 and <= 64, nameof(Levels), $"must be in 1..64 (got {Levels})");
        Require(CodebookSize is > 1 and <= 1 << 20, nameof(CodebookSize), $"must be in 2..1048576 (got {CodebookSize})");
        Require(KMeansIterations >= 0, nameof(KMeansIterations), $"must be ≥ 0 (got {KMeansIterations})");
        Require(ProgressiveDimensionSteps is >= 1 and <= 64, nameof(ProgressiveDimensionSteps), $"must be in 1..64 (got {ProgressiveDimensionSteps})");
        Require(KMeansSampleSize > 0, nameof(KMeansSampleSize), $"must be positive (got {KMeansSampleSize})");
        Require(BeamWidth is >= 1 and <= 1024, nameof(BeamWidth), $"must be in 1..1024 (got {BeamWidth})");
        Require(Threads >= 0, nameof(Threads), $"must be ≥ 0 (got {Threads})");
        return this;
    }

    private static void Require(bool condition, string member, string message) => Model.RqVaeOptions.Require(condition, member, message);
}
