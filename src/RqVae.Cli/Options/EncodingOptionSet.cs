using System.CommandLine;
using RqVae.Cli.Models;

namespace RqVae.Cli.Options;

/// <summary>How encode, eval and similar turn features into IDs: the beam width, and (encode only) bfloat16.</summary>
internal sealed class EncodingOptionSet
{
    public Option<int?> Beam { get; } = new("--beam")
    {
        Description = "Partial codes kept per level while encoding (beam search over total residual error, as FAISS's residual quantizer); " +
                      "1 is greedy nearest-code encoding. Works for both model kinds. Default: the beam the model was saved with (1 unless trained with --beam-width).",
        HelpName = "width",
    };

    public Option<bool> BFloat16 { get; } = new("--bf16")
    {
        Description = "CHANGES IDS: run the RQ-VAE encoder's matrix products in bfloat16 (faster on CPUs with AVX-512 BF16). Items near a boundary " +
                      "between two codes can get another ID than the float32 encoding gives. Off by default; greedy RQ-VAE encoding is already on a " +
                      "fast path whose IDs are bit-identical.",
    };

    /// <summary>Adds --beam, and --bf16 when <paramref name="withBFloat16"/>.</summary>
    public void AddTo(Command command, bool withBFloat16 = false)
    {
        command.Options.Add(Beam);
        if (withBFloat16) command.Options.Add(BFloat16);
    }

    /// <summary>The model as this command encodes with it.</summary>
    public EncodingTokenizer For(ParseResult parse, ModelFolder model)
        => EncodingTokenizer.For(model, parse.GetValue(Beam), parse.GetResult(BFloat16) is not null && parse.GetValue(BFloat16));
}
