using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.Data.Features;
using RqVae.Inference;
using RqVae.Model;
using RqVae.SemanticIds;
using static TorchSharp.torch;

namespace RqVae.Bench.Measures;

/// <summary>
/// Encodes the first <c>--rows</c> items of a large .npy file batch by batch (the Data project's
/// streaming reader feeding the fast encoder) and reports the process's peak resident memory: run
/// once for N and once for 10 N, each in its own process, the two peaks should be nearly equal.
/// The IDs are kept (L ints per item, as a caller writing an ID table would), the features are not.
/// </summary>
internal static class StreamMeasure
{
    public static void Run(BenchArgs args)
    {
        var path = args.RequiredString("input");
        var rows = args.Int("rows", int.MaxValue);
        var threads = args.Int("threads", 2);
        set_num_threads(threads);
        manual_seed(0);
        using var tokenizer = new RqVaeTokenizer(new RqVaeModule(new RqVaeOptions { InputDimension = 768 }));
        using var encoder = new FastEncoder(tokenizer);
        var parts = new List<SemanticIdTable>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        var reader = new FeatureReaderOptions { BatchSize = RqVaeTokenizer.DefaultBatchSize, RejectDuplicateIds = false };
        foreach (var batch in FeatureReader.ReadBatches(path, reader))
        {
            var take = Math.Min(batch.Features.Rows, rows - done);
            parts.Add(encoder.Encode(batch.Features.Values.AsSpan(0, take * batch.Features.Dimension)));
            done += take;
            if (done >= rows) break;
        }
        var ids = SemanticIdTable.Concat(parts);
        var seconds = clock.Elapsed.TotalSeconds;
        var result = BenchResult.Create("torchsharp", "stream");
        result["threads"] = threads;
        result["items"] = ids.Count;
        result["items_per_s"] = ids.Count / seconds;
        result["seconds"] = seconds;
        BenchResult.Print(result);
    }
}
