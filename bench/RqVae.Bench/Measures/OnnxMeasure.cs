using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using RqVae.Bench.Harness;
using RqVae.Model;
using RqVae.Onnx;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;
using RqVae.Tokenizers;
using static TorchSharp.torch;

namespace RqVae.Bench.Measures;

/// <summary>
/// ONNX Runtime on the exported graph against the tool's own greedy encoder (the fast encoder for an RQ-VAE), in one
/// process on the same items with the same thread count: items/s of each (best of <c>--repeats</c> passes, the two
/// interleaved so that neither gets a quieter machine), their ratio, and the share of identical IDs. ONNX Runtime is
/// run at each session setting tried (intra-op threads, graph optimisation level) and the best is reported beside
/// the others, so the comparison is against a tuned session, not a default one.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/RqVae.Bench -- onnx [--kind rqvae|residual-kmeans] [--rows 100000] [--dim 768]
/// [--train-rows 20000] [--threads 2] [--repeats 3]</c>. The model is trained here (one epoch of the default RQ-VAE on
/// N(0, 1) features, or residual k-means) so that its IDs are spread out.
/// </remarks>
internal static class OnnxMeasure
{
    public static void Run(BenchArgs args)
    {
        var kind = args.String("kind", "rqvae")!;
        var rows = args.Int("rows", 100_000);
        var dimension = args.Int("dim", 768);
        var threads = args.Int("threads", 2);
        var repeats = args.Int("repeats", 3);
        set_num_threads(threads);
        var features = Normal(rows, dimension, seed: 1);
        var training = features.AsSpan(0, Math.Min(rows, args.Int("train-rows", 20_000)) * dimension).ToArray();
        using ISemanticIdTokenizer tokenizer = kind switch
        {
            "rqvae" => new Training.RqVaeTrainer(new Training.RqVaeTrainerOptions
            {
                Model = new RqVaeOptions { InputDimension = dimension },
                Epochs = args.Int("epochs", 1),
                BatchSize = 1024,
                EvaluateEvery = 0,
                Threads = threads,
                Seed = 0,
            }).Fit(training, dimension).Tokenizer,
            "residual-kmeans" => new ResidualKMeansTrainer(new ResidualKMeansOptions { KMeansIterations = 10, ProgressiveDimensionSteps = 1, Threads = threads }).Fit(training, dimension),
            _ => throw new ArgumentException($"--kind must be rqvae or residual-kmeans (got {kind})."),
        };
        using var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(OnnxExporter.Export(tokenizer), stream);
        var graph = stream.ToArray();

        using var tool = tokenizer.CreateEncoder(new EncodingOptions());
        var settings = new List<OnnxRuntimeOptions>();
        foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_BASIC, GraphOptimizationLevel.ORT_ENABLE_ALL })
            foreach (var intra in new[] { threads, 1 }.Distinct())
                settings.Add(new OnnxRuntimeOptions { IntraOpThreads = intra, OptimizationLevel = level });
        var sessions = settings.Select(s => new OnnxIdEncoder(graph, s)).ToArray();
        try
        {
            var warm = features.AsSpan(0, Math.Min(rows, 4096) * dimension);
            tool.Encode(warm);
            foreach (var s in sessions) s.Encode(warm);
            var toolBest = double.MaxValue;
            var onnxBest = new double[sessions.Length];
            Array.Fill(onnxBest, double.MaxValue);
            SemanticIdTable? toolIds = null;
            var onnxIds = new SemanticIdTable[sessions.Length];
            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                toolIds = tool.Encode(features);
                toolBest = Math.Min(toolBest, clock.Elapsed.TotalSeconds);
                for (var i = 0; i < sessions.Length; i++)
                {
                    clock.Restart();
                    onnxIds[i] = sessions[i].Encode(features);
                    onnxBest[i] = Math.Min(onnxBest[i], clock.Elapsed.TotalSeconds);
                }
                BenchResult.Log($"pass {r + 1}/{repeats}: tool {rows / toolBest:N0} items/s; onnx {string.Join(", ", onnxBest.Select(b => $"{rows / b:N0}"))} items/s");
            }
            var best = Array.IndexOf(onnxBest, onnxBest.Min());
            Console.WriteLine($"ONNX Runtime vs the tool's encoder: {kind}, {rows:N0} items × {dimension}, {threads} threads, best of {repeats} passes");
            Console.WriteLine($"  tool ({tool.Description}): {rows / toolBest,12:N0} items/s");
            for (var i = 0; i < sessions.Length; i++)
            {
                var agreement = IdAgreement.Of(toolIds!, onnxIds[i]);
                Console.WriteLine($"  onnx (intra-op {settings[i].IntraOpThreads}, {settings[i].OptimizationLevel}): {rows / onnxBest[i],12:N0} items/s = {toolBest / onnxBest[i]:P1} of the tool; identical IDs {agreement.Percent}{(i == best ? "  ← best" : "")}");
            }
            var result = BenchResult.Create("onnxruntime", "encode-vs-tool");
            result["kind"] = kind;
            result["items"] = rows;
            result["dimension"] = dimension;
            result["threads"] = threads;
            result["tool_items_per_s"] = rows / toolBest;
            result["onnx_items_per_s"] = rows / onnxBest[best];
            result["onnx_setting"] = $"intra-op {settings[best].IntraOpThreads}, {settings[best].OptimizationLevel}";
            result["ratio"] = toolBest / onnxBest[best];
            result["identical_ids"] = IdAgreement.Of(toolIds!, onnxIds[best]).Share;
            result["distinct_level1_codes"] = Enumerable.Range(0, toolIds!.Count).Select(i => toolIds.Code(i, 0)).Distinct().Count();
            BenchResult.Print(result);
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    private static float[] Normal(int rows, int dimension, int seed)
    {
        var random = new Random(seed);
        var values = new float[rows * dimension];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return values;
    }
}
