using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RqVae.Model;

namespace RqVae.Bench.Harness;

/// <summary>
/// Runs every measure of the speed benchmark back to back, each in its own process (ours, PyTorch's,
/// FAISS's), collects their JSON lines into one file and prints the table of absolute figures and
/// ratios. Ratios only compare figures of this one run on this one machine.
/// </summary>
internal static class Orchestrator
{
    private const string Python = "/usr/bin/python3";

    public static int Run(BenchArgs args)
    {
        var quick = args.Flag("quick");
        var root = RepositoryRoot();
        var work = args.String("work", "/tmp/rqvae-bench")!;
        var output = args.String("out", Path.Combine(work, "results.jsonl"))!;
        Directory.CreateDirectory(work);
        File.WriteAllText(output, "");
        var runner = new ChildRunner(output);
        var plan = new BenchPlan(quick);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"speed benchmark{(quick ? " (--quick)" : "")}: {Environment.ProcessorCount} logical cores, results in {output}");

        var reference = Path.Combine(root, "bench", "reference");
        var hasPython = EnsureReference(reference);
        var trainData = Path.Combine(work, $"train-{plan.Items}.npy");
        if (!File.Exists(trainData)) runner.Self("makedata", "--rows", plan.Items, "--out", trainData);

        // The machine is shared: the load beside the figures says how far to trust absolute numbers (ratios are within this run).
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        // Our side runs in the default numerics and, for training and fast encoding, once more in the portable mode (its cost).
        string?[] modes = [null, "portable"];
        var torch = Path.Combine(reference, "rqvae_torch.py");
        var results = new Results();
        // Machine rate: the best float32 product either library reaches, at either thread count.
        foreach (var t in plan.Threads)
        {
            runner.Numerics = null;
            results.Add(runner.Self("matmul", "--threads", t, "--size", plan.MatmulSize));
            if (hasPython) results.Add(runner.Python(torch, "--mode", "matmul", "--threads", t, "--size", plan.MatmulSize));
        }
        // Training and encoding, each implementation at each thread setting; the best of each is compared.
        foreach (var t in plan.Threads)
        {
            foreach (var m in modes) { runner.Numerics = m; results.Add(runner.Self("train", "--input", trainData, "--threads", t, "--epochs", plan.Epochs)); }
            if (hasPython) results.Add(runner.Python(torch, "--mode", "train", "--input", trainData, "--threads", t, "--epochs", plan.Epochs));
        }
        // Encoding runs share one trained model (spread-out IDs), so their ID files can be compared.
        runner.Numerics = null;
        var model = Path.Combine(work, "model");
        runner.Self("trainmodel", "--input", trainData, "--out", model, "--epochs", 2);
        // Two rounds, each side in turn: the machine's speed drifts over minutes, so a single pass of each side
        // at different moments could decide the ratio; every configuration keeps its best round.
        for (var round = 0; round < plan.EncodeRounds; round++)
        {
            foreach (var t in plan.Threads)
            {
                foreach (var m in modes)
                {
                    runner.Numerics = m;
                    foreach (var path in m is null ? new[] { "plain", "fast", "fast-bf16" } : ["fast"])
                    {
                        var ids = Path.Combine(work, $"ids-{path}-{t}{(m is null ? "" : $"-{m}")}{(round == 0 ? "" : $"-r{round}")}.bin");
                        var r = runner.Self("encode", "--input", trainData, "--threads", t, "--path", path, "--model", model, "--save-ids", ids, "--repeats", plan.EncodeRepeats);
                        if (r is null) continue;
                        results.Add(r);
                        r["ids_file"] = ids;
                    }
                }
                // The same batch on both sides (PyTorch was also fastest at 2048 of 2048 and 4096: 146k vs 138–144k items/s).
                if (hasPython) results.Add(runner.Python(torch, "--mode", "encode", "--input", trainData, "--threads", t, "--repeats", plan.EncodeRepeats, "--batch", RqVaeTokenizer.DefaultBatchSize));
            }
        }
        var baseline = Path.Combine(work, "ids-plain-1.bin");
        foreach (var r in results.Where("torchsharp", "encode"))
            if (File.Exists(baseline)) r["ids_agreement_with_plain"] = Measures.EncodeMeasure.Agreement(baseline, (string)r["ids_file"]!, 3);
        runner.Numerics = null;
        results.Add(runner.Self("index", "--items", plan.IndexItems, "--queries", plan.IndexQueries));
        if (hasPython)
        {
            foreach (var t in plan.Threads)
            {
                results.Add(runner.Self("kmeans", "--input", trainData, "--threads", t));
                results.Add(runner.Python(Path.Combine(reference, "faiss_rq.py"), "--input", trainData, "--threads", t, "--beam", 1));
            }
        }
        results.Add(runner.Text(root, plan.Texts, plan.TextRepeats));
        var streamData = Path.Combine(work, $"stream-{plan.StreamItems}.npy");
        if (!File.Exists(streamData)) runner.Self("makedata", "--rows", plan.StreamItems, "--out", streamData, "--seed", 1);
        results.Add(runner.Self("stream", "--input", streamData, "--rows", plan.StreamItems / 10));
        results.Add(runner.Self("stream", "--input", streamData, "--rows", plan.StreamItems));
        // The default tokenizer trained end to end (step budget, sample) at 20,000 × 768 and 1,000,000 × 384.
        results.Add(runner.Self("budget", "--input", trainData, "--threads", 2));
        var million = Path.Combine(work, $"budget-{plan.BudgetItems}x384.npy");
        if (!File.Exists(million)) runner.Self("makedata", "--rows", plan.BudgetItems, "--dim", 384, "--out", million, "--seed", 2);
        results.Add(runner.Self("budget", "--input", million, "--threads", 2));
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");

        Console.WriteLine();
        Console.WriteLine(SpeedTable.Format(results, new RqVaeOptions { InputDimension = 768 }, plan));
        Console.WriteLine($"total {clock.Elapsed.TotalMinutes:F1} min; raw results: {output}");
        return 0;
    }

    /// <summary>Runs bench/reference/setup.sh (installs Debian's python3-torch, OpenBLAS, FAISS if missing).</summary>
    private static bool EnsureReference(string reference)
    {
        var setup = Path.Combine(reference, "setup.sh");
        if (!File.Exists(setup) || !File.Exists(Python))
        {
            Console.WriteLine($"PyTorch/FAISS reference skipped: need {Python} and {setup}.");
            return false;
        }
        var start = new ProcessStartInfo("bash", [setup]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode == 0) return true;
        Console.WriteLine("PyTorch/FAISS reference skipped: bench/reference/setup.sh failed. As root run:");
        Console.WriteLine("  apt-get install -y --no-install-recommends python3-torch libopenblas0-pthread python3-numpy python3-faiss");
        Console.WriteLine(text.Trim());
        return false;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RqVae.slnx"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RqVae.slnx"))) return dir.FullName;
        throw new IOException("Cannot find the repository root (RqVae.slnx) above the benchmark or the current directory.");
    }
}

/// <summary>Sizes of one benchmark run; --quick trades precision for a run of a few minutes.</summary>
internal sealed record BenchPlan(bool Quick)
{
    public int Items => 20_000;
    public int MatmulSize => Quick ? 2048 : 4096;
    public int Epochs => Quick ? 2 : 5;
    public int[] Threads => [1, 2];
    public int IndexItems => 1_000_000;
    public int IndexQueries => Quick ? 20_000 : 100_000;
    public int Texts => Quick ? 500 : 2000;

    /// <summary>The large catalogue the default tokenizer's training time is measured on (× 384).</summary>
    public int BudgetItems => Quick ? 250_000 : 1_000_000;

    // A pass over 20,000 items takes 0.05–0.2 s, short enough for a passing hiccup of the shared machine to
    // decide it: both sides take the best of 10 passes (runs with 3 swung our ratio between 1.3 and 2.0).
    public int EncodeRepeats => 10;

    public int EncodeRounds => 2;

    // Each side of the 1-vs-2-thread text comparison is timed this many times, alternating, best kept.
    public int TextRepeats => 5;
    public int StreamItems => Quick ? 250_000 : 1_000_000;
}

/// <summary>The JSON lines collected so far.</summary>
internal sealed class Results
{
    public List<JsonObject> All { get; } = [];

    public void Add(JsonObject? result)
    {
        if (result is not null) All.Add(result);
    }

    public IEnumerable<JsonObject> Where(string impl, string mode)
        => All.Where(r => (string?)r["impl"] == impl && (string?)r["mode"] == mode);

    /// <summary>The result with the largest <paramref name="key"/> among those of one implementation and mode.</summary>
    public JsonObject? Best(string impl, string mode, string key, Func<JsonObject, bool>? filter = null)
        => Where(impl, mode).Where(r => filter?.Invoke(r) ?? true).Where(r => r[key] is not null)
            .OrderByDescending(r => (double)r[key]!).FirstOrDefault();

    public static string Number(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);
}
