using System.Diagnostics;

namespace RqVae.Cli.Tests.Support;

/// <summary>
/// Debian's Python (<c>/usr/bin/python3</c>, or <c>$RQVAE_TEST_PYTHON</c>) with torch, numpy and Dask distributed, which
/// scripts/setup.d/50-python.sh installs, run as a child process on the repository's Python files.
/// </summary>
public static class Python
{
    /// <summary>The interpreter.</summary>
    public static string Interpreter => Environment.GetEnvironmentVariable("RQVAE_TEST_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>The repository's root (the folder holding RqVae.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "RqVae.slnx"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException($"no RqVae.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The command that runs the built tool as a child process, as one string for a Python script's --rqvae.</summary>
    public static string ToolCommand => $"dotnet {Path.Combine(AppContext.BaseDirectory, "RqVae.Cli.dll")}";

    /// <summary>Runs <paramref name="script"/> (relative to the repository root) with <paramref name="args"/>; kills it after <paramref name="timeout"/>.</summary>
    public static CliResult Run(string script, TimeSpan timeout, params string[] args)
    {
        Require("torch", "numpy", "distributed");
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout.TotalSeconds:F0} s.\n--- stderr\n{error.Result}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    private static void Require(params string[] modules)
    {
        var start = new ProcessStartInfo(Interpreter, ["-c", "import " + string.Join(", ", modules)]) { RedirectStandardError = true, UseShellExecute = false };
        using var check = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {Interpreter}");
        var error = check.StandardError.ReadToEnd();
        check.WaitForExit();
        if (check.ExitCode != 0)
            throw new InvalidOperationException($"{Interpreter} cannot import {string.Join(", ", modules)}: run `bash scripts/setup.d/50-python.sh` as root (Debian's python3-torch, python3-numpy, python3-distributed).\n{error}");
    }
}
