using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.Model;
using RqVae.SemanticIds;
using static TorchSharp.torch;

namespace RqVae.Bench.Measures;

/// <summary>
/// Encoding items/s (features → [N, L] semantic IDs) of a freshly initialised model of the default
/// shapes, best of several passes over the whole input after one warm-up batch: the same protocol
/// as the PyTorch reference's encode mode. <c>--path plain</c> is <see cref="RqVaeTokenizer.Encode(ReadOnlySpan{float})"/>;
/// <c>--path fast</c> is the inference encoder.
/// </summary>
internal static class EncodeMeasure
{
    /// <summary>Trains a model for a few epochs and saves it, so encoding runs share trained weights with spread-out IDs.</summary>
    public static void TrainModel(BenchArgs args)
    {
        var (features, _, dimension) = BenchData.Load(args.RequiredString("input"));
        var options = new Training.RqVaeTrainerOptions
        {
            Model = new RqVaeOptions { InputDimension = dimension },
            Epochs = args.Int("epochs", 2),
            BatchSize = 1024,
            EvaluateEvery = 0,
            Threads = args.Int("threads", 2),
            Seed = 0,
        };
        using var trained = new Training.RqVaeTrainer(options).Fit(features, dimension);
        trained.Tokenizer.Save(args.RequiredString("out"));
    }

    /// <summary>Share of rows whose whole ID is the same in two saved ID files (int32, row-major, L per row).</summary>
    public static double Agreement(string a, string b, int levels)
    {
        var x = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(a));
        var y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(b));
        if (x.Length != y.Length) return double.NaN;
        var same = 0;
        for (var r = 0; r < x.Length / levels; r++)
            if (x.Slice(r * levels, levels).SequenceEqual(y.Slice(r * levels, levels))) same++;
        return (double)same / (x.Length / levels);
    }

    public static void Run(BenchArgs args)
    {
        var (features, rows, dimension) = BenchData.Load(args.RequiredString("input"));
        var threads = args.Int("threads", 2);
        var repeats = args.Int("repeats", 3);
        var path = args.String("path", "fast")!;
        set_num_threads(threads);
        manual_seed(0);
        var model = args.String("model");
        using var tokenizer = model is null
            ? new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = dimension }))
            : RqVaeTokenizer.Load(model);
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
        result["model"] = model ?? "random initialisation";
        if (args.String("save-ids") is { } save) File.WriteAllBytes(save, System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids!.Codes).ToArray());
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
