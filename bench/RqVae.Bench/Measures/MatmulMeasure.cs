using System.Diagnostics;
using RqVae.Bench.Harness;
using static TorchSharp.torch;

namespace RqVae.Bench.Measures;

/// <summary>The machine's own float32 matrix-product rate: best of n×n @ n×n products in TorchSharp (LibTorch).</summary>
internal static class MatmulMeasure
{
    public static void Run(BenchArgs args)
    {
        var n = args.Int("size", 4096);
        var repeats = args.Int("repeats", 5);
        var threads = args.Int("threads", 2);
        set_num_threads(threads);
        using var generator = new Generator(0);
        using var a = randn([n, n], generator: generator);
        using var b = randn([n, n], generator: generator);
        using var c = mm(a, b); // warm-up: thread pool, allocator
        var best = double.MaxValue;
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            using (var product = mm(a, b)) { }
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        var result = BenchResult.Create("torchsharp", "matmul");
        result["threads"] = threads;
        result["size"] = n;
        result["gflops"] = 2.0 * n * n * n / best / 1e9;
        result["seconds"] = best;
        BenchResult.Print(result);
    }
}
