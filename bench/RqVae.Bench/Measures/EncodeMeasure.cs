using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.Model;
using RqVae.SemanticIds;
using static TorchSharp.torch;

namespace RqVae.Bench.Measures;

/// <summary>
/// Encoding items/s (features → [N, L] semantic IDs) of a freshly initialised model of the default
/// shapes, best of several passes over the whole input after one warm-up batch: the same protocol
/// as the PyTorch reference's encode mode. <c>--path plain</c> is <see cref="RqVaeTokenizer.Encode"/>;
/// <c>--path fast</c> is the inference encoder.
/// </summary>
internal static class EncodeMeasure
{
    public static void Run(BenchArgs args)
    {
        var (features, rows, dimension) = BenchData.Load(args.RequiredString("input"));
        var threads = args.Int("threads", 2);
        var repeats = args.Int("repeats", 3);
        var path = args.String("path", "fast")!;
        set_num_threads(threads);
        manual_seed(0);
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = dimension }));
        var encode = Encoders.Create(path, tokenizer, args);
        encode(features.AsSpan(0, Math.Min(rows, 4096) * dimension)); // warm-up
        var best = double.MaxValue;
        var total = 0.0;
        SemanticIdTable? ids = null;
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            ids = encode(features);
            var seconds = clock.Elapsed.TotalSeconds;
            best = Math.Min(best, seconds);
            total += seconds;
            BenchResult.Log($"encode pass {r + 1}/{repeats}: {seconds:F3} s, {rows / seconds:N0} items/s");
        }
        var result = BenchResult.Create("torchsharp", "encode");
        result["path"] = path;
        result["threads"] = threads;
        result["items"] = rows;
        result["items_per_s"] = rows / best;
        result["seconds"] = best;
        result["mean_seconds"] = total / repeats;
        result["ids_checksum"] = Checksum(ids!);
        BenchResult.Print(result);
    }

    /// <summary>A cheap fingerprint of an ID table, so runs of different paths can be compared.</summary>
    public static long Checksum(SemanticIdTable ids)
    {
        long h = 17;
        foreach (var c in ids.Codes) h = unchecked(h * 31 + c);
        return h;
    }
}
