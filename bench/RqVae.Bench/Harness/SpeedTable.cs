using System.Text;
using System.Text.Json.Nodes;
using RqVae.Model;
using static RqVae.Bench.Harness.Results;

namespace RqVae.Bench.Harness;

/// <summary>The benchmark's summary as a Markdown table: absolute figures, ratios and the issue's targets.</summary>
internal static class SpeedTable
{
    public static string Format(Results results, RqVaeOptions model, BenchPlan plan)
    {
        var rows = new List<string[]>();
        void Row(string measure, string ours, string reference, string ratio, string target, bool? met)
            => rows.Add([measure, ours, reference, ratio, target, met is null ? "" : met.Value ? "yes" : "**no**"]);
        static double D(JsonObject? r, string key) => r?[key] is { } v ? (double)v : double.NaN;
        // Our side's default numerics are what the table reports; the portable mode's runs give its cost only.
        static bool Portable(JsonObject r) => (string?)r["numerics"] == "portable";
        static string T(JsonObject? r) => r is null ? "" : r["blas_threads"] is { } b && (int)b != (int)r["threads"]! ? $" ({r["threads"]} thr, BLAS {b})"
            : $" ({r["threads"]} thr{(Portable(r) ? ", portable" : "")})";

        var ourMatmul = results.Best("torchsharp", "matmul", "gflops", r => !Portable(r));
        var torchMatmul = results.Best("pytorch", "matmul", "gflops");
        var machine = Math.Max(D(ourMatmul, "gflops"), double.IsNaN(D(torchMatmul, "gflops")) ? 0 : D(torchMatmul, "gflops"));
        Row($"matrix product {plan.MatmulSize}³ float32, GFLOP/s", Number(D(ourMatmul, "gflops")) + T(ourMatmul), Number(D(torchMatmul, "gflops")) + T(torchMatmul),
            "", $"machine rate = {Number(machine)}", null);

        var ourTrain = results.Best("torchsharp", "train", "samples_per_s", r => !Portable(r));
        var torchTrain = results.Best("pytorch", "train", "samples_per_s");
        var trainRatio = D(ourTrain, "samples_per_s") / D(torchTrain, "samples_per_s");
        Row($"training, samples/s ({plan.Items:N0} × 768, batch 1024)", Number(D(ourTrain, "samples_per_s")) + T(ourTrain),
            Number(D(torchTrain, "samples_per_s")) + T(torchTrain), $"{trainRatio:F2} ×", "≥ 1.25 ×", trainRatio >= 1.25);
        var trainFlops = ModelFlops.Train(model);
        var ourTrainShare = D(ourTrain, "samples_per_s") * trainFlops / 1e9 / machine;
        Row($"training FLOP rate ({trainFlops / 1e6:F2} MFLOP/sample), share of machine rate",
            $"{ourTrainShare:P0}", $"{D(torchTrain, "samples_per_s") * trainFlops / 1e9 / machine:P0}", "", "≥ 50 %", ourTrainShare >= 0.5);
        var ourTrainPortable = results.Best("torchsharp", "train", "samples_per_s", Portable);
        if (ourTrainPortable is not null)
            Row("training, samples/s, --numerics portable (its cost)", Number(D(ourTrainPortable, "samples_per_s")) + T(ourTrainPortable), Number(D(torchTrain, "samples_per_s")) + T(torchTrain),
                $"{D(ourTrainPortable, "samples_per_s") / D(torchTrain, "samples_per_s"):F2} × ({D(ourTrainPortable, "samples_per_s") / D(ourTrain, "samples_per_s"):F2} × the default)", "", null);
        Row("training peak memory, MiB", Number(D(ourTrain, "peak_rss_mb")), Number(D(torchTrain, "peak_rss_mb")),
            $"{D(ourTrain, "peak_rss_mb") / D(torchTrain, "peak_rss_mb"):F2} ×", "", null);

        var ourEncode = results.Best("torchsharp", "encode", "items_per_s", r => (string?)r["path"] == "fast" && !Portable(r));
        var plainEncode = results.Best("torchsharp", "encode", "items_per_s", r => (string?)r["path"] == "plain" && !Portable(r));
        var torchEncode = results.Best("pytorch", "encode", "items_per_s");
        var encodeRatio = D(ourEncode, "items_per_s") / D(torchEncode, "items_per_s");
        Row("encoding, items/s (fast path)", Number(D(ourEncode, "items_per_s")) + T(ourEncode), Number(D(torchEncode, "items_per_s")) + T(torchEncode),
            $"{encodeRatio:F2} ×", "≥ 1.5 ×", encodeRatio >= 1.5);
        Row("encoding, items/s (plain RqVaeTokenizer.Encode)", Number(D(plainEncode, "items_per_s")) + T(plainEncode), Number(D(torchEncode, "items_per_s")) + T(torchEncode),
            $"{D(plainEncode, "items_per_s") / D(torchEncode, "items_per_s"):F2} ×", "", null);
        var fastPortable = results.Best("torchsharp", "encode", "items_per_s", r => (string?)r["path"] == "fast" && Portable(r));
        if (fastPortable is not null)
            Row("encoding, items/s (fast path, --numerics portable: its cost)", Number(D(fastPortable, "items_per_s")) + T(fastPortable), Number(D(torchEncode, "items_per_s")) + T(torchEncode),
                $"{D(fastPortable, "items_per_s") / D(torchEncode, "items_per_s"):F2} × ({D(fastPortable, "items_per_s") / D(ourEncode, "items_per_s"):F2} × the default)", "", null);
        var bf16 = results.Best("torchsharp", "encode", "items_per_s", r => (string?)r["path"] == "fast-bf16" && !Portable(r));
        Row("encoding, items/s (fast path, bfloat16 opt-in)", Number(D(bf16, "items_per_s")) + T(bf16), Number(D(torchEncode, "items_per_s")) + T(torchEncode),
            $"{D(bf16, "items_per_s") / D(torchEncode, "items_per_s"):F2} ×", "", null);
        var encodeFlops = ModelFlops.Encode(model);
        Row($"encoding FLOP rate ({encodeFlops / 1e6:F2} MFLOP/item), share of machine rate",
            $"{D(ourEncode, "items_per_s") * encodeFlops / 1e9 / machine:P0}", $"{D(torchEncode, "items_per_s") * encodeFlops / 1e9 / machine:P0}", "", "", null);
        Row("encoding peak memory, MiB", Number(D(ourEncode, "peak_rss_mb")), Number(D(torchEncode, "peak_rss_mb")),
            $"{D(ourEncode, "peak_rss_mb") / D(torchEncode, "peak_rss_mb"):F2} ×", "", null);
        // IDs of each encoding run against the plain encoder at 1 thread in the default numerics (a trained model).
        foreach (var group in results.Where("torchsharp", "encode").Where(r => r["ids_agreement_with_plain"] is not null)
                     .GroupBy(r => $"{r["path"]}{(Portable(r) ? " + portable" : "")}"))
        {
            var agreement = group.Select(r => D(r, "ids_agreement_with_plain")).ToArray();
            var exactPath = !group.Key.Contains("bf16") && !group.Key.Contains("portable");
            Row($"IDs identical to plain encoder (1 thread), {group.Key}", string.Join(" / ", group.GroupBy(r => r["threads"]!.ToString()).Select(g => $"{g.Min(r => D(r, "ids_agreement_with_plain")):P2} ({g.Key} thr)")),
                "", "", exactPath ? "100 %" : "measured", exactPath ? agreement.All(a => a == 1) : null);
        }

        // The default tokenizer's whole training (step budget, sample), per catalogue size.
        foreach (var budget in results.Where("torchsharp", "budget"))
            Row($"default training, {(long)budget["items"]!:N0} × {budget["dimension"]}, s (steps, epochs trained of planned, training items; cosine, raw collisions)",
                $"{D(budget, "seconds"):F1} s ({(long)budget["steps"]!:N0} steps{((bool)budget["converged"]! ? ", converged" : "")}, {budget["epochs_trained"]} of {budget["epochs"]} ep, {(long)budget["training_items"]!:N0}; {D(budget, "cosine"):F3}, {D(budget, "collision_rate"):P2})",
                "", "", "", null);

        var index = results.Where("torchsharp", "index").FirstOrDefault();
        if (index is not null)
        {
            var speedup = D(index, "queries_per_s") / D(index, "scan_queries_per_s");
            Row($"similar items, {Number(D(index, "items"))}-item index, queries/s (k = {index["k"]})", Number(D(index, "queries_per_s")) + T(index),
                $"{Number(D(index, "scan_queries_per_s"), 1)} (linear scan)", $"{speedup:N0} ×", "≥ 100,000 q/s; ≥ 1000 ×",
                D(index, "queries_per_s") >= 100_000 && speedup >= 1000);
            Row("similar items, latency p50 / p99, µs", $"{D(index, "p50_us"):F1} / {D(index, "p99_us"):F1}",
                $"{D(index, "scan_p50_us"):N0} / {D(index, "scan_p99_us"):N0}", "", "", null);
        }

        var ourKMeans = results.Best("torchsharp", "kmeans", "items_per_s");
        var faiss = results.Best("faiss", "rq", "items_per_s");
        if (ourKMeans is not null && faiss is not null)
        {
            var ratio = D(ourKMeans, "items_per_s") / D(faiss, "items_per_s");
            Row("residual k-means encoding, items/s (3 × 256, greedy)", Number(D(ourKMeans, "items_per_s")) + T(ourKMeans), Number(D(faiss, "items_per_s")) + T(faiss),
                $"{ratio:F2} ×", "faster at same error", ratio > 1 && D(ourKMeans, "mse") <= D(faiss, "mse") * 1.01);
            Row("residual k-means reconstruction MSE", $"{D(ourKMeans, "mse"):F5}", $"{D(faiss, "mse"):F5}", $"{D(ourKMeans, "mse") / D(faiss, "mse"):F3} ×", "", null);
            Row("residual k-means training, s", $"{D(ourKMeans, "train_seconds"):F2}", $"{D(faiss, "train_seconds"):F2}",
                $"{D(faiss, "train_seconds") / D(ourKMeans, "train_seconds"):F2} × faster", "", null);
        }
        else Row("residual k-means vs FAISS", "not measured", "", "", "faster at same error", null);

        var text = results.Where("onnxruntime", "text").FirstOrDefault();
        if (text is not null)
        {
            var ratio = D(text, "texts_per_s_2") / D(text, "texts_per_s_1");
            Row($"MiniLM embedding, texts/s, 2 threads vs 1 ({text["texts"]} texts)", Number(D(text, "texts_per_s_2")), Number(D(text, "texts_per_s_1")),
                $"{ratio:F2} ×", "≥ 1.6 ×", ratio >= 1.6);
        }

        var streams = results.Where("torchsharp", "stream").OrderBy(r => D(r, "items")).ToList();
        if (streams.Count == 2)
        {
            var ratio = D(streams[1], "peak_rss_mb") / D(streams[0], "peak_rss_mb");
            Row($"streaming encode from .npy, peak MiB, {Number(D(streams[1], "items"))} vs {Number(D(streams[0], "items"))} items",
                $"{Number(D(streams[1], "peak_rss_mb"))} ({Number(D(streams[1], "items_per_s"))} items/s)",
                $"{Number(D(streams[0], "peak_rss_mb"))} ({Number(D(streams[0], "items_per_s"))} items/s)", $"{ratio:F2} ×", "≤ 1.2 ×", ratio <= 1.2);
        }

        var header = new[] { "measure", "ours (C#)", "reference", "ratio", "target", "met" };
        var sb = new StringBuilder();
        sb.AppendLine("| " + string.Join(" | ", header) + " |");
        sb.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var r in rows) sb.AppendLine("| " + string.Join(" | ", r) + " |");
        return sb.ToString();
    }
}
