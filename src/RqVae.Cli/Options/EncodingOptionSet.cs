using System.CommandLine;
using RqVae.Cli.Models;

namespace RqVae.Cli.Options;

/// <summary>How encode, eval and similar turn features into IDs: the beam width.</summary>
internal sealed class EncodingOptionSet
{
    public Option<int?> Beam { get; } = new("--beam")
    {
        Description = "Partial codes kept per level while encoding (beam search over total residual error, as FAISS's residual quantizer); " +
                      "1 is greedy nearest-code encoding. Works for both model kinds. Default: the beam the model was saved with (1 unless trained with --beam-width).",
        HelpName = "width",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Beam);
    }

    /// <summary>The model as this command encodes with it.</summary>
    public EncodingTokenizer For(ParseResult parse, ModelFolder model) => EncodingTokenizer.For(model, parse.GetValue(Beam));
}
