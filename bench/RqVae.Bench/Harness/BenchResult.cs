using System.Text.Json;
using System.Text.Json.Nodes;

namespace RqVae.Bench.Harness;

/// <summary>
/// The one JSON line a measure prints on stdout (progress goes to stderr), in the same shape as the
/// Python reference scripts, so the orchestrator reads both alike. Peak memory is the process's own
/// high-water mark, which is why every measure runs in a process of its own.
/// </summary>
internal static class BenchResult
{
    public static JsonObject Create(string impl, string mode) => new()
    {
        ["impl"] = impl,
        ["mode"] = mode,
    };

    public static void Print(JsonObject result)
    {
        result["peak_rss_mb"] = PeakRssMegabytes();
        result["torch_threads"] = TorchSharp.torch.get_num_threads();
        Console.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        Console.Out.Flush();
    }

    /// <summary>VmHWM of /proc/self/status: the largest resident set this process has had, in MiB.</summary>
    public static double PeakRssMegabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return double.NaN;
    }

    public static void Log(string message) => Console.Error.WriteLine(message);
}
