using Spectre.Console;

namespace RqVae.Cli;

/// <summary>
/// What every command writes to and listens to: plain writers for results and errors, a Spectre
/// console (on the output writer) for tables and progress, and the token that Ctrl-C cancels.
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        Output = output;
        Error = error;
        Cancellation = cancellation;
        // Live progress bars only on a real terminal; redirected output (tests, pipes, CI logs) gets plain text.
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal) Console.Profile.Width = 160;
        IsTerminal = terminal;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    public bool IsTerminal { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The process's stop request (null in-process, where only <see cref="Cancellation"/> stops a command).</summary>
    public StopRequest? Stop { get; init; }

    /// <summary>What stopped the command, for progress lines: "SIGTERM" or "Ctrl-C".</summary>
    public string StopCause => Stop?.ByTerminate == true ? "SIGTERM" : "Ctrl-C";

    /// <summary>A one-line status message (to the output, so it interleaves with tables in logs).</summary>
    public void Status(string text) => Console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
}
