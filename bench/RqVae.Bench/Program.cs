// The speed benchmark (BENCHMARKS.md reports it). `all` runs every measure, each in a process of its own (so peak
// memory figures do not mix), together with the PyTorch and FAISS references, and prints one table.
// The other verbs are the single measures it launches; each prints one JSON line on stdout.
//   dotnet run -c Release --project bench/RqVae.Bench -- all [--quick] [--work DIR] [--out results.jsonl]
using RqVae.Bench.Harness;
using RqVae.Bench.Measures;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: RqVae.Bench all [--quick] | matmul | train | budget | encode | index | stream | kmeans | onnx | makedata [--options]");
    return 2;
}
var options = new BenchArgs(args.Skip(1));
try
{
    switch (args[0])
    {
        case "all": return Orchestrator.Run(options);
        case "makedata":
            BenchData.WriteRandomNormal(options.RequiredString("out"), options.Int("rows", 20_000), options.Int("dim", 768), options.Int("seed", 0));
            return 0;
        case "matmul": MatmulMeasure.Run(options); return 0;
        case "train": TrainMeasure.Run(options); return 0;
        case "budget": BudgetMeasure.Run(options); return 0;
        case "encode": EncodeMeasure.Run(options); return 0;
        case "trainmodel": EncodeMeasure.TrainModel(options); return 0;
        case "index": IndexMeasure.Run(options); return 0;
        case "stream": StreamMeasure.Run(options); return 0;
        case "kmeans": KMeansMeasure.Run(options); return 0;
        case "onnx": OnnxMeasure.Run(options); return 0;
        default:
            Console.Error.WriteLine($"unknown measure \"{args[0]}\"");
            return 2;
    }
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
