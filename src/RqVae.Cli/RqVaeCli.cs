using System.CommandLine;
using RqVae.Cli.Commands;
using RqVae.Data.Errors;
using RqVae.Datasets.MovieLens;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using RqVae.Training.Resources;

namespace RqVae.Cli;

/// <summary>
/// The <c>rqvae</c> command-line tool: catalogue → embeddings → RQ-VAE → semantic IDs, metrics,
/// report and similar items. <see cref="Run"/> is the whole program, callable in-process (tests use it
/// instead of spawning processes).
/// </summary>
public static class RqVaeCli
{
    /// <summary>Runs the tool with <paramref name="args"/> and returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="output">Receives results, tables and progress.</param>
    /// <param name="error">Receives error messages.</param>
    /// <param name="cancellationToken">Cancelling it stops the running command at its next safe point (Ctrl-C in <c>Program</c>).</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
        => Run(args, output, error, cancellationToken, stop: null);

    /// <summary>
    /// Runs the tool with <paramref name="args"/> until it ends or <paramref name="stop"/> is requested; a stopped
    /// command exits with the code of the signal that stopped it (130 for Ctrl-C, 143 for SIGTERM) and says which.
    /// </summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="output">Receives results, tables and progress.</param>
    /// <param name="error">Receives error messages.</param>
    /// <param name="stop">The stop request the process's signal handlers fill in.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, StopRequest stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        var code = Run(args, output, error, stop.Token, stop);
        if (code != ExitCodes.Cancelled || !stop.IsRequested) return code;
        // A command that stops cleanly (training keeps its checkpoint) returns Cancelled without an error;
        // SIGTERM still needs its own code and a word, since nothing else mentions the signal.
        if (stop.ByTerminate) error.WriteLine($"rqvae: {stop.Description}.");
        return stop.ExitCode;
    }

    private static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken, StopRequest? stop)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error, cancellationToken) { Stop = stop };
        var root = CreateRootCommand(context);
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            // Program.cs handles Ctrl-C itself: System.CommandLine's handler would kill the process
            // two seconds after the first Ctrl-C, possibly in the middle of writing a checkpoint.
            ProcessTerminationTimeout = null,
        };
        ParseResult? parse = null;
        try
        {
            parse = root.Parse(args);
            if (parse.Action is not System.CommandLine.Help.HelpAction && parse.Errors.Count == 0) return parse.Invoke(configuration);
            // System.CommandLine names the program after the entry assembly (RqVae.Cli, or the test host), and
            // its root command's name has no setter; the command people type is rqvae.
            using var help = new StringWriter();
            var code = parse.Invoke(new InvocationConfiguration { Output = help, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            output.Write(UsageName().Replace(help.ToString(), match => match.Groups[1].Value + CommandName + match.Groups[3].Value));
            return code;
        }
        catch (Exception e)
        {
            return ReportFailure(e, context, parse, stop);
        }
    }

    /// <summary>
    /// Applies <c>--numerics</c> (else <c>RQVAE_NUMERICS</c>, else fast; see <see cref="Platform.MklDispatch"/>) before
    /// anything touches torch. Returns an exit code when the request cannot be met, null to go on.
    /// </summary>
    internal static int? ApplyNumerics(string[] args, TextWriter error)
        => Options.NumericsOption.Apply(args, Environment.GetEnvironmentVariable, error);

    /// <summary>The name of the command as users type it (the launcher script and the .NET tool are both called this).</summary>
    internal const string CommandName = "rqvae";

    // "  <program> [command] …" lines of the help's usage section.
    private static System.Text.RegularExpressions.Regex UsageName()
        => new(@"(?m)^(  )(" + System.Text.RegularExpressions.Regex.Escape(RootCommand.ExecutableName) + @")( |$)");

    /// <summary>Builds the command tree (public so the help texts can be tested and documented).</summary>
    internal static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "rqvae — semantic IDs for a catalogue with a residual-quantized VAE (RQ-VAE).\n" +
            "Start with `rqvae movielens` to see the whole pipeline on real data.")
        {
            MovieLensCommand.Create(context),
            EmbedCommand.Create(context),
            TrainCommand.Create(context),
            EncodeCommand.Create(context),
            MergeCommand.Create(context),
            EvalCommand.Create(context),
            SimilarCommand.Create(context),
            ServeCommand.Create(context),
            CatalogueCommand.Create(context),
            ExportCommand.Create(context),
            Commands.Recommend.RecommendCommand.Create(context),
        };
        root.Options.Add(Options.NumericsOption.Create());
        return root;
    }

    private static int ReportFailure(Exception exception, CliContext context, ParseResult? parse, StopRequest? stop)
    {
        var (code, message) = Unwrap(exception) switch
        {
            OperationCanceledException when stop?.ByTerminate == true => (ExitCodes.Terminated, "stopped by SIGTERM."),
            OperationCanceledException => (ExitCodes.Cancelled, "Stopped (Ctrl-C)."),
            CliException e => (e.ExitCode, e.Message),
            DataFormatException e => (ExitCodes.BadInput, Input.ReaderSettingFlags.Message(e)),
            ModelFormatException e => (ExitCodes.BadInput, $"not a usable model: {e.Message}"),
            TrainingDivergedException e => (ExitCodes.TrainingFailed, e.Message),
            InsufficientMemoryForTrainingException e => (ExitCodes.TrainingFailed, e.Message),
            CheckpointMismatchException e => (ExitCodes.TrainingFailed, $"cannot resume: {e.Message}"),
            IdTableModelMismatchException e => (ExitCodes.BadInput, e.Message),
            Recommender.RecommenderInputException e => (ExitCodes.BadInput, e.Message),
            FileNotFoundException e => (ExitCodes.BadInput, $"{e.Message} Check the path."),
            DirectoryNotFoundException e => (ExitCodes.BadInput, $"{e.Message} Check the path."),
            UnauthorizedAccessException e => (ExitCodes.BadInput, $"{e.Message} Check the permissions."),
            MovieLensUnavailableException e => (ExitCodes.Unavailable, e.Message),
            // Options validation throws these (the settings classes check their own values): a bad command line.
            ArgumentException e => (ExitCodes.Usage, $"invalid option value: {Options.InvalidOptionValue.Message(e, parse)}"),
            IOException e => (ExitCodes.BadInput, e.Message),
            var e => (ExitCodes.InternalError, $"unexpected failure, please report it: {e}"),
        };
        context.Error.WriteLine($"rqvae: error: {message}");
        return code;
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
