using System.Diagnostics;

namespace RqVae.Tests.Support;

/// <summary>Starts tests/RqVae.TrainingHost (built beside this test project) as a child process.</summary>
internal static class TrainingHostProcess
{
    /// <summary>The host's build output: this assembly's folder with the project name swapped.</summary>
    public static string Executable
    {
        get
        {
            var here = AppContext.BaseDirectory;
            var marker = $"{Path.DirectorySeparatorChar}RqVae.Tests{Path.DirectorySeparatorChar}";
            var index = here.LastIndexOf(marker, StringComparison.Ordinal);
            if (index < 0) throw new InvalidOperationException($"Cannot locate the training host from {here}.");
            var folder = here[..index] + $"{Path.DirectorySeparatorChar}RqVae.TrainingHost{Path.DirectorySeparatorChar}" + here[(index + marker.Length)..];
            var path = Path.Combine(folder, "RqVae.TrainingHost.dll");
            if (!File.Exists(path)) throw new InvalidOperationException($"The training host is not built at {path}; build tests/RqVae.TrainingHost.");
            return path;
        }
    }

    public static Process Start(params string[] arguments) => Start(environment: null, arguments);

    /// <summary>Starts the host with <paramref name="environment"/> added to (or, for null values, removed from) this process's environment.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        info.ArgumentList.Add(Executable);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start the training host.");
    }

    /// <summary>Runs the host to the end; returns exit code, standard output and error.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] arguments)
        => RunAsync(timeout, environment: null, arguments);

    /// <summary>Runs the host to the end with <paramref name="environment"/> changed as for <see cref="Start(IReadOnlyDictionary{string, string?}?, string[])"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The training host did not finish within {timeout}: {string.Join(' ', arguments)}");
        }
        return (process.ExitCode, await output, await error);
    }
}
