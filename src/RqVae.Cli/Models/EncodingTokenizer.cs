using RqVae.Tokenizers;
using RqVae.Inference;
using RqVae.Model;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;

namespace RqVae.Cli.Models;

/// <summary>
/// A loaded model as a command encodes with it: the beam chosen with <c>--beam</c> (default: the model's
/// own), for both kinds. It is an <see cref="ISemanticIdTokenizer"/> itself, so the library's evaluation and
/// streaming encoder use the same encoding (collision handling needs the model's own type: see
/// <see cref="IsSavedEncoding"/>). It does not own the model.
/// </summary>
internal sealed class EncodingTokenizer : ISemanticIdTokenizer
{
    private readonly ISemanticIdTokenizer model;
    private readonly Func<ReadOnlySpan<float>, SemanticIdTable> encode;
    private readonly FastEncoder? fast;

    private EncodingTokenizer(ModelFolder folder, int beamWidth, Func<ReadOnlySpan<float>, SemanticIdTable> encode, string description,
        FastEncoder? fast = null, bool changesIds = false)
    {
        model = folder.Tokenizer;
        this.fast = fast;
        IsSavedEncoding = beamWidth == folder.SavedBeamWidth && !changesIds;
        BeamWidth = beamWidth;
        this.encode = encode;
        Description = description;
    }

    /// <summary>
    /// True when the IDs are those of the model's own <see cref="ISemanticIdTokenizer.Encode"/> (its saved beam),
    /// so library code that needs the model itself (collision handling) may be given <see cref="Model"/>.
    /// </summary>
    public bool IsSavedEncoding { get; }

    /// <summary>The loaded model underneath.</summary>
    public ISemanticIdTokenizer Model => model;

    /// <summary>The beam in force.</summary>
    public int BeamWidth { get; }

    /// <summary>How IDs are computed, for status lines.</summary>
    public string Description { get; }

    /// <summary>
    /// Encodes with <paramref name="beamWidth"/> partial codes per level (null: the model's saved beam). Greedy
    /// RQ-VAE encoding takes the library's <see cref="FastEncoder"/>, whose IDs are bit-identical to the plain
    /// encoder's; <paramref name="bfloat16"/> runs its matrix products in bfloat16, which is faster but can change IDs.
    /// </summary>
    public static EncodingTokenizer For(ModelFolder folder, int? beamWidth, bool bfloat16 = false)
    {
        var beam = beamWidth ?? folder.SavedBeamWidth;
        if (beam < 1) throw new CliException($"--beam must be at least 1 (got {beam}).");
        if (bfloat16 && folder.Tokenizer is not RqVaeTokenizer)
            throw new CliException($"--bf16 speeds up the network of an RQ-VAE; the model in '{folder.Path}' is {folder.Kind}, which has none. Drop --bf16.", ExitCodes.Usage);
        if (bfloat16 && beam > 1)
            throw new CliException($"--bf16 applies to greedy encoding; drop it or use --beam 1 (got --beam {beam}).", ExitCodes.Usage);
        return folder.Tokenizer switch
        {
            RqVaeTokenizer rq when beam > 1 && rq.Options.BalancedAssignment => throw new CliException(
                $"--beam {beam} cannot be used with the model in '{folder.Path}': it assigns codes by balanced (Sinkhorn) assignment, which a beam would undo. Use --beam 1."),
            RqVaeTokenizer rq when beam == 1 => Fast(folder, rq, bfloat16),
            RqVaeTokenizer rq => new EncodingTokenizer(folder, beam, features => rq.Encode(features, beam), Describe(beam)),
            ResidualKMeansTokenizer rk => new EncodingTokenizer(folder, beam, features => rk.Encode(features, beam), Describe(beam)),
            var other => new EncodingTokenizer(folder, beam, other.Encode, "the model's own encoding"),
        };
    }

    private static EncodingTokenizer Fast(ModelFolder folder, RqVaeTokenizer rq, bool bfloat16)
    {
        var fast = new FastEncoder(rq, new FastEncoderOptions { BFloat16 = bfloat16 });
        var description = bfloat16 ? "greedy encoding in bfloat16 (faster; IDs may differ from float32)"
            : fast.IsAccelerated ? "greedy encoding, fast path" : "greedy encoding";
        return new EncodingTokenizer(folder, 1, features => fast.Encode(features), description, fast, changesIds: bfloat16);
    }

    private static string Describe(int beam) => beam == 1 ? "greedy encoding" : $"beam search (beam {beam})";

    public int InputDimension => model.InputDimension;

    public int Levels => model.Levels;

    public int CodebookSize => model.CodebookSize;

    public int CodeDimension => model.CodeDimension;

    public SemanticIdTable Encode(ReadOnlySpan<float> features) => encode(features);

    public float[] Reconstruct(SemanticIdTable ids) => model.Reconstruct(ids);

    public float[] CodeVectors(SemanticIdTable ids) => model.CodeVectors(ids);

    public IReadOnlyList<float[]> Codebooks() => model.Codebooks();

    /// <summary>Frees the fast encoder's buffers (the model stays with its <see cref="ModelFolder"/>).</summary>
    public void Dispose() => fast?.Dispose();
}
