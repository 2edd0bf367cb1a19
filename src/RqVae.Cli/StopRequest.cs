using System.Runtime.InteropServices;

namespace RqVae.Cli;

/// <summary>
/// A request to stop the running command at its next safe point, and what asked for it: Ctrl-C (SIGINT) or
/// SIGTERM (service managers, <c>kill</c>, container runtimes). The signal decides the exit code and the message,
/// as shells and supervisors expect 128 + the signal's number.
/// </summary>
public sealed class StopRequest : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private int signal; // 0 until a stop is requested, then the first signal's number

    /// <summary>Cancelled when a stop is requested.</summary>
    public CancellationToken Token => source.Token;

    /// <summary>True once a stop has been requested.</summary>
    public bool IsRequested => source.IsCancellationRequested;

    /// <summary>True when the stop was asked for by SIGTERM.</summary>
    public bool ByTerminate => Volatile.Read(ref signal) == SignalNumber(PosixSignal.SIGTERM);

    /// <summary>
    /// Asks the command to stop because of <paramref name="cause"/> (<see cref="PosixSignal.SIGINT"/> for Ctrl-C or
    /// <see cref="PosixSignal.SIGTERM"/>). Only the first request counts; returns false for later ones.
    /// </summary>
    public bool Request(PosixSignal cause)
    {
        if (Interlocked.CompareExchange(ref signal, SignalNumber(cause), 0) != 0) return false;
        source.Cancel();
        return true;
    }

    /// <summary>The exit code of a stopped command: <see cref="ExitCodes.Terminated"/> after SIGTERM, else <see cref="ExitCodes.Cancelled"/>.</summary>
    public int ExitCode => ByTerminate ? ExitCodes.Terminated : ExitCodes.Cancelled;

    /// <summary>What stopped the command, for the last line it prints.</summary>
    public string Description => ByTerminate ? "stopped by SIGTERM" : "stopped (Ctrl-C)";

    /// <inheritdoc/>
    public void Dispose() => source.Dispose();

    // PosixSignal's members are negative placeholders; the exit code wants the Linux/POSIX numbers.
    private static int SignalNumber(PosixSignal cause) => cause switch
    {
        PosixSignal.SIGTERM => 15,
        PosixSignal.SIGINT => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, "only Ctrl-C (SIGINT) and SIGTERM stop a command"),
    };
}
