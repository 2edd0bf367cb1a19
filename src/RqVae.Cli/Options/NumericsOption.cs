using System.CommandLine;
using RqVae.Platform;

namespace RqVae.Cli.Options;

/// <summary>
/// The global <c>--numerics fast|portable</c> option (default: <c>RQVAE_NUMERICS</c>, else fast). It must act before
/// LibTorch computes anything, so <c>Program</c> reads it from the raw command line (<see cref="Find"/>) and applies
/// it before the command runs; the parser knows it too, for the help and to reject a bad value.
/// </summary>
internal static class NumericsOption
{
    public const string Name = "--numerics";

    /// <summary>Read by <c>Program</c>: set to anything, it earns a note that its effect is now the default.</summary>
    public const string RetiredVariable = "RQVAE_MKL_AVX512";

    public static Option<string> Create() => new(Name)
    {
        Description = "Which float32 kernels run, and so on which machines weights and IDs are byte-identical. " +
                      "fast (default): the CPU's widest kernels (AVX-512, else AVX2) in MKL's strict reproducible mode, the same on Intel and AMD and at every thread count. " +
                      "portable: the AVX2 kernels everywhere, so every x86-64 machine with AVX2 gives the same weights and IDs (slower where AVX-512 exists). " +
                      $"Default from the {MklDispatch.EnvironmentVariable} environment variable.",
        Recursive = true,
        HelpName = "fast|portable",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (MklDispatch.TryParse(text, out _)) return text.Trim().ToLowerInvariant();
            result.AddError($"{Name} must be fast or portable (got \"{text}\").");
            return null;
        },
    };

    /// <summary>The value of <c>--numerics</c> on a raw command line (the last one wins), or null.</summary>
    public static string? Find(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? value = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--") break;
            if (args[i] == Name && i + 1 < args.Count) value = args[++i];
            else if (args[i].StartsWith(Name + "=", StringComparison.Ordinal)) value = args[i][(Name.Length + 1)..];
        }
        return value;
    }

    /// <summary>
    /// Applies the mode the command line (else the environment) asks for, before any torch call. Returns an exit code when
    /// the request is invalid, null to go on; warns when the mode cannot be fully honoured (no vendor-check library).
    /// </summary>
    public static int? Apply(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(error);
        if (environment(RetiredVariable) is { Length: > 0 })
            error.WriteLine($"rqvae: note: {RetiredVariable} is no longer read: MKL's fastest kernels are the default on every CPU ({Name} / {MklDispatch.EnvironmentVariable} choose fast or portable).");
        var fromLine = Find(args);
        var text = fromLine ?? environment(MklDispatch.EnvironmentVariable);
        if (string.IsNullOrEmpty(text)) text = "fast";
        if (!MklDispatch.TryParse(text, out var mode))
        {
            var where = fromLine is null ? $"the {MklDispatch.EnvironmentVariable} environment variable" : Name;
            error.WriteLine($"rqvae: error: {where} must be fast or portable (got \"{text}\").");
            return ExitCodes.Usage;
        }
        try
        {
            MklDispatch.Configure(mode);
        }
        catch (PlatformNotSupportedException e)
        {
            error.WriteLine($"rqvae: error: {e.Message}");
            return ExitCodes.Unavailable;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidOperationException)
        {
            error.WriteLine($"rqvae: warning: {e.Message}");
        }
        return null;
    }
}
