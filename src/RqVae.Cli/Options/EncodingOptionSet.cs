using System.CommandLine;
using RqVae.Cli.Models;
using RqVae.Tokenizers;

namespace RqVae.Cli.Options;

/// <summary>How encode, eval and similar turn features into IDs (<see cref="EncodingOptions"/>): the beam width, and (encode only) bfloat16.</summary>
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

    /// <summary>
    /// The encoder the command line asks for; a setting the model cannot honour is refused naming its flag. --bf16 on a CPU
    /// without AVX-512 BF16 (<paramref name="cpuFlags"/>, default this CPU's) earns a warning on <paramref name="warnings"/>.
    /// </summary>
    public IIdEncoder For(ParseResult parse, ModelFolder model, TextWriter? warnings = null, IReadOnlySet<string>? cpuFlags = null)
    {
        var beam = parse.GetValue(Beam);
        var bfloat16 = parse.GetResult(BFloat16) is not null && parse.GetValue(BFloat16);
        if (beam < 1) throw new CliException($"--beam must be at least 1 (got {beam}).", ExitCodes.Usage);
        if (bfloat16 && beam > 1) throw new CliException($"--bf16 applies to greedy encoding; drop it or use --beam 1 (got --beam {beam}).", ExitCodes.Usage);
        if (bfloat16 && BFloat16Warning(cpuFlags ?? Platform.CpuFlags.Current) is { } warning) warnings?.WriteLine(warning);
        try
        {
            return model.Tokenizer.CreateEncoder(new EncodingOptions { BeamWidth = beam, BFloat16 = bfloat16 });
        }
        catch (ArgumentException e) when (e.ParamName == nameof(EncodingOptions.BFloat16))
        {
            throw new CliException($"the model in '{model.Path}' cannot take --bf16: {Message(e)} Drop --bf16.", ExitCodes.Usage);
        }
        catch (ArgumentException e) when (e.ParamName == nameof(EncodingOptions.BeamWidth))
        {
            throw new CliException($"--beam {beam} cannot be used with the model in '{model.Path}': {Message(e)}");
        }
    }

    /// <summary>What --bf16 says on a CPU with <paramref name="cpuFlags"/>: a warning where AVX-512 BF16 is missing, else null.</summary>
    public static string? BFloat16Warning(IReadOnlySet<string> cpuFlags) => Platform.CpuFlags.HasAvx512BFloat16(cpuFlags) ? null : NoBFloat16Warning;

    private const string NoBFloat16Warning =
        "rqvae: warning: --bf16 on a CPU without AVX-512 BF16 (no avx512_bf16 in /proc/cpuinfo): bfloat16 products are emulated there and run " +
        "slower than float32 (measured 0.70 × PyTorch's float32 encoding), while still changing IDs near code boundaries. Drop --bf16 on this machine.";

    // ArgumentException appends " (Parameter 'x')" to its message; people need only the sentence.
    private static string Message(ArgumentException e) => e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
}
