using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using RqVae.Cli.Tests.Support;

using RqVae.TestSupport;

namespace RqVae.Cli.Tests;

/// <summary>
/// Signals to the real tool in a child process: SIGTERM (what service managers and `kill` send) stops with
/// exit 143 and says so; Ctrl-C (SIGINT) stays exit 130. Process.Kill would send SIGKILL, so the test calls kill(2).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StopRequestTests
{
    private const int Sigint = 2;
    private const int Sigterm = 15;

    [Theory]
    [InlineData(Sigterm, 143, "stopped by SIGTERM", "Ctrl-C")]
    [InlineData(Sigint, 130, "Ctrl-C", "SIGTERM")]
    public async Task A_signal_during_training_stops_with_its_exit_code_and_message(int signal, int exitCode, string says, string doesNotSay)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TemporaryDirectory();
        var items = dir.Write("items.csv", SyntheticItems.Csv(rows: 256, dimension: 8));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = StartTool(["train", items, "-o", dir.File("model"), "--epochs", "1000000", "--batch-size", "16", "--hidden-dimensions", "8",
            "--latent-dimension", "4", "--levels", "2", "--codebook-size", "4", "--evaluate-every", "0", "--threads", "1"]);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            // Printed once the items are read, long after Program registered its signal handlers.
            if (e.Data.Contains("Read 256 items", StringComparison.Ordinal)) started.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(500); // into the training loop
            Assert.Equal(0, Kill(process.Id, signal));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var log = $"--- stdout\n{output}\n--- stderr\n{error}";
        Assert.True(exitCode == process.ExitCode, $"exit {process.ExitCode}, expected {exitCode}\n{log}");
        Assert.Contains(says, error.ToString());
        Assert.DoesNotContain(doesNotSay, error.ToString());
        // The training progress names the same cause as the message.
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output.ToString(), $@"stopped( at step [0-9,]+)? \({(signal == Sigterm ? "SIGTERM" : "Ctrl-C")}\)"), log);
        Assert.DoesNotContain($"({doesNotSay})", output.ToString());
    }

    /// <summary>Runs the tool built beside this test assembly with the same dotnet host that runs the tests.</summary>
    private static Process StartTool(string[] arguments)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RqVae.Cli.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the tool");
    }

    // Plain DllImport (not LibraryImport) keeps the test assembly free of unsafe code.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
