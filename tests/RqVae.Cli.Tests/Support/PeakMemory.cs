using System.Globalization;

namespace RqVae.Cli.Tests.Support;

/// <summary>
/// Runs the built tool as a child process and reads its peak resident set (VmHWM in /proc/PID/status, which the
/// kernel keeps as a running maximum) every few milliseconds until it exits: the last reading is the peak up to a
/// few milliseconds before the end, when the tool only closes its files.
/// </summary>
public static class PeakMemory
{
    /// <summary>Runs <c>rqvae <paramref name="args"/></c> and returns its result and its peak resident set in bytes.</summary>
    public static (CliResult Result, long PeakBytes) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var tool = ToolProcess.Start(workingDirectory, args);
        var status = $"/proc/{tool.Id.ToString(CultureInfo.InvariantCulture)}/status";
        long peak = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!tool.HasExited && clock.Elapsed < timeout)
        {
            if (HighWaterMark(status) is { } kb) peak = Math.Max(peak, kb * 1024);
            Thread.Sleep(5);
        }
        return (tool.WaitForExit(timeout), peak);
    }

    // Null once the process is gone (the file vanishes, or a zombie has no memory lines).
    private static long? HighWaterMark(string status)
    {
        try
        {
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
