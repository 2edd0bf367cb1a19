using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RqVae.Bench.Harness;

/// <summary>
/// Starts one measure per process and reads back its JSON line; appends every line to the results
/// file and each child's stderr to a log beside it. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed
/// from the children's environment so that OpenBLAS (PyTorch's and FAISS's BLAS) picks the CPU's own
/// kernel, the reference's best setting; LibTorch carries its own BLAS and ignores them.
/// </summary>
internal sealed partial class ChildRunner(string resultsPath)
{
    private readonly string logPath = Path.ChangeExtension(resultsPath, ".log");

    /// <summary>RQVAE_NUMERICS for our children when set ("portable"); null runs them in the default (fast) mode.</summary>
    public string? Numerics { get; set; }

    public JsonObject? Self(string measure, params object[] args)
    {
        // Under `dotnet RqVae.Bench.dll` the process is the dotnet host, which needs the assembly first.
        var self = Environment.ProcessPath!;
        string[] prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ChildRunner).Assembly.Location] : [];
        var rest = args.Select(Text).ToArray();
        var result = Run(self, [.. prefix, measure, .. rest], $"ours{(Numerics is null ? "" : $" ({Numerics})")} {measure} {string.Join(' ', rest)}", Numerics);
        return result;
    }

    public JsonObject? Python(string script, params object[] args)
    {
        var rest = args.Select(Text).ToArray();
        return Run("/usr/bin/python3", [script, .. rest], $"{Path.GetFileName(script)} {string.Join(' ', rest)}");
    }

    /// <summary>MiniLM texts/s at 1 and 2 threads, from bench/RqVae.Bench.Text (built by bench/run.sh).</summary>
    public JsonObject? Text(string root, int texts, int repeats)
    {
        var dll = Path.Combine(root, "bench", "RqVae.Bench.Text", "bin", "Release", "net10.0", "linux-x64", "RqVae.Bench.Text.dll");
        if (!File.Exists(dll))
        {
            Console.WriteLine($"  text embedding skipped: {dll} is missing; build it with `dotnet build -c Release bench/RqVae.Bench.Text`.");
            return null;
        }
        var (code, stdout) = Start("dotnet", [dll, Text(texts), Text(repeats)], "text embedding");
        if (code != 0) return null;
        var result = BenchResult.Create("onnxruntime", "text");
        result["texts"] = texts;
        foreach (Match m in ThreadRate().Matches(stdout))
            result[$"texts_per_s_{m.Groups[1].Value}"] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        Append(result);
        return result;
    }

    private JsonObject? Run(string file, string[] args, string label, string? numerics = null)
    {
        var (code, stdout) = Start(file, args, label, numerics);
        if (code != 0) return null;
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (last is null || !last.StartsWith('{')) return null;
        var result = JsonNode.Parse(last)!.AsObject();
        if (numerics is not null) result["numerics"] = numerics;
        Append(result);
        return result;
    }

    private (int Code, string Stdout) Start(string file, string[] args, string label, string? numerics = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");
        start.Environment.Remove(RqVae.Platform.MklDispatch.EnvironmentVariable);
        if (numerics is not null) start.Environment[RqVae.Platform.MklDispatch.EnvironmentVariable] = numerics;
        var clock = Stopwatch.StartNew();
        Console.Write($"  {(label.Length > 100 ? label[..100] : label),-100} ");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        File.AppendAllText(logPath, $"### {file} {string.Join(' ', args)}\n{stderr.Result}\n");
        Console.WriteLine(process.ExitCode == 0 ? $"{clock.Elapsed.TotalSeconds,6:F1} s" : $"FAILED (exit {process.ExitCode}; see {logPath})");
        return (process.ExitCode, stdout);
    }

    private void Append(JsonObject result) => File.AppendAllText(resultsPath, result.ToJsonString() + "\n");

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;

    [GeneratedRegex(@"intra-op threads (\d+):\s+[\d.]+ s\s+(\d+) texts/s")]
    private static partial Regex ThreadRate();
}
