using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace RqVae.Service.Tests.Support;

/// <summary>
/// The real <c>rqvae serve</c>: the built tool run as a child process (<c>dotnet RqVae.Cli.dll serve …</c>) on a free
/// loopback port, for the promises that only a process can show (SIGTERM, <c>kill -9</c>, refusal at start).
/// </summary>
public sealed partial class ServeProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ServeProcess(Process process) => this.process = process;

    /// <summary>Where the service listens, once <see cref="WaitUntilListening"/> has seen it.</summary>
    public Uri? Url { get; private set; }

    /// <summary>The child's process id.</summary>
    public int Id => process.Id;

    /// <summary>Standard output so far.</summary>
    public string Output
    {
        get { lock (output) return output.ToString(); }
    }

    /// <summary>Standard error so far.</summary>
    public string Error
    {
        get { lock (error) return error.ToString(); }
    }

    /// <summary>Starts <c>rqvae serve MODEL --store STORE --urls http://127.0.0.1:0</c> and <paramref name="extra"/> arguments.</summary>
    public static ServeProcess Start(string model, string store, params string[] extra)
        => StartTool(["serve", model, "--store", store, "--urls", "http://127.0.0.1:0", .. extra]);

    /// <summary>Starts <c>rqvae <paramref name="args"/></c> (a command that ends by serving, such as <c>movielens --serve</c>).</summary>
    public static ServeProcess StartTool(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "RqVae.Cli.dll"), .. args])
            start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = start };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (serve.output) serve.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (serve.error) serve.error.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Starts the service and waits until it listens; a client for it is returned.</summary>
    public static (ServeProcess Process, HttpClient Client) StartListening(string model, string store, params string[] extra)
    {
        var serve = Start(model, store, extra);
        serve.WaitUntilListening(TimeSpan.FromSeconds(90));
        return (serve, new HttpClient { BaseAddress = serve.Url, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>Waits for the "Listening on URL" line; throws with the child's output if it exits or the time runs out first.</summary>
    public void WaitUntilListening(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (ListeningLine().Match(Output) is { Success: true } match)
            {
                Url = new Uri(match.Groups[1].Value);
                return;
            }
            if (process.HasExited) break;
            Thread.Sleep(50);
        }
        Kill();
        throw new InvalidOperationException($"rqvae serve did not start listening (exited: {process.HasExited}).\n--- stdout\n{Output}\n--- stderr\n{Error}");
    }

    /// <summary>Sends SIGTERM, as a service manager stopping the service does.</summary>
    public void Terminate()
    {
        if (kill(process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {process.Id} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Waits for the child to exit and returns its exit code (killing it and failing after <paramref name="timeout"/>).</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"rqvae serve did not exit within {timeout.TotalSeconds:F0} s.\n--- stdout\n{Output}\n--- stderr\n{Error}");
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGKILL: the process ends at once, with no clean-up of any kind.</summary>
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

    [GeneratedRegex(@"Listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // a one-line signal call; LibraryImport's generated marshalling buys nothing here
    private static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
