using System.Diagnostics;

namespace RqVae.Cli;

/// <summary>
/// Test-only: lets the kill tests end the tool with SIGKILL at a named point of its life, so a kill lands exactly
/// between two files of the finishing step instead of wherever a timer happens to fall. Inert unless the
/// environment variable <see cref="Variable"/> is set (to a point's name, e.g. <c>metrics</c> or <c>step-12</c>);
/// nobody outside the tests sets it.
/// </summary>
internal static class TestKillPoint
{
    /// <summary>The environment variable naming the point to die at.</summary>
    public const string Variable = "RQVAE_TEST_KILL_AT";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } target ? target : null;

    /// <summary>True when a kill point is set (callers skip building point names otherwise).</summary>
    public static bool Armed => Target is not null;

    /// <summary>SIGKILLs this process when <paramref name="name"/> is the point the environment names; otherwise nothing.</summary>
    public static void Reach(string name)
    {
        if (Target is null || !string.Equals(Target, name, StringComparison.Ordinal)) return;
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill(); // SIGKILL on Unix: no handler, no finally block runs
        Thread.Sleep(Timeout.Infinite);
    }
}
