using System.Diagnostics;
using System.Text;

namespace RqVae.Cli.Tests.Support;

/// <summary>
/// The built rqvae tool run as a real child process (<c>dotnet RqVae.Cli.dll …</c> from the test's output folder),
/// for promises that only hold between processes: locks, kills, what is left on disk.
/// </summary>
public sealed class ToolProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ToolProcess(Process process) => this.process = process;

    /// <summary>The child's process id.</summary>
    public int Id => process.Id;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>What the child has written to its standard output so far.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Starts <c>rqvae <paramref name="args"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static ToolProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Starts <c>rqvae <paramref name="args"/></c> in <paramref name="workingDirectory"/> with <paramref name="environment"/> added to its environment.</summary>
    public static ToolProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RqVae.Cli.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = new Process { StartInfo = start };
        var tool = new ToolProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (tool.output) tool.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (tool.error) tool.error.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Runs <c>rqvae <paramref name="args"/></c> in <paramref name="workingDirectory"/> to its end, killing it after <paramref name="timeout"/>.</summary>
    public static CliResult Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var tool = Start(workingDirectory, args);
        return tool.WaitForExit(timeout);
    }

    /// <summary>Waits for the child to exit (killing it and failing after <paramref name="timeout"/>).</summary>
    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"rqvae did not finish within {timeout.TotalSeconds:F0} s.\n--- stdout\n{Output}\n--- stderr\n{ErrorText()}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new CliResult(process.ExitCode, Output, ErrorText());
    }

    /// <summary>Waits until the child's standard output contains <paramref name="text"/>; false when it exits or the time runs out first.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Output.Contains(text, StringComparison.Ordinal)) return true;
            if (process.HasExited) return Output.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(50);
        }
        return false;
    }

    /// <summary>Kills the child at once (SIGKILL on Linux: no clean-up of any kind runs in it).</summary>
    public void Kill()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private string ErrorText()
    {
        lock (error) return error.ToString();
    }
}
