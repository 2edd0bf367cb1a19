// Test host for the reliability tests (tests/RqVae.Tests/Reliability). Not a user tool.
//
//   train  --out DIR [--epochs N] [--checkpoint-every STEPS] [--resume] [--threads T] [--learning-rate R] [--tiger]
//       (--tiger: TIGER shapes, 8192 × 768 features, 512-256-128 → 32, 3 × 256 codes, batch 1024)
//       Trains on a fixed synthetic data set with checkpoints in DIR/checkpoint.ckpt, then writes
//       DIR/model (config.json + model.safetensors) and DIR/ids.txt. Prints "step N" after every step and
//       "resumed-from N" when it continues from a checkpoint, so a test can kill it mid-run and check the resume.
//   mkl-level
//       Prints MKL's dispatch level (RqVae.Platform.MklDispatch.KernelLevel) and the numerics setting; a fresh
//       process, because MKL decides once per process.
//   Every command takes --numerics fast|portable (default: RQVAE_NUMERICS, else fast), applied before any torch call.
//   memory --rows N --dimension D [--batch-size B] [--epochs E]
//       Trains E epochs (default 1) and prints the estimate and the peak resident memory (VmHWM), in bytes, then the
//       estimate's breakdown, then "epoch-peaks" and VmHWM at the end of each epoch.
using RqVae.Model;
using RqVae.Quantization;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using RqVae.Training.Resources;

var command = args.Length > 0 ? args[0] : "";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var threads = int.Parse(Option("--threads", "1"));
if (Option("--numerics", "") is { Length: > 0 } numerics)
{
    if (!RqVae.Platform.MklDispatch.TryParse(numerics, out var mode)) throw new ArgumentException($"--numerics {numerics}");
    RqVae.Platform.MklDispatch.Configure(mode);
}

switch (command)
{
    case "train":
        return Train(Option("--out", "."), int.Parse(Option("--epochs", "8")), long.Parse(Option("--checkpoint-every", "5")), args.Contains("--resume"), threads,
            double.Parse(Option("--learning-rate", "3e-3"), System.Globalization.CultureInfo.InvariantCulture), args.Contains("--tiger"));
    case "mkl-level":
        Console.WriteLine(RqVae.Platform.MklDispatch.KernelLevel()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        Console.WriteLine(RqVae.Platform.MklDispatch.Describe());
        return 0;
    case "memory":
        return Memory(int.Parse(Option("--rows", "20000")), int.Parse(Option("--dimension", "768")), int.Parse(Option("--batch-size", "256")), int.Parse(Option("--epochs", "1")), threads);
    default:
        Console.Error.WriteLine("usage: RqVae.TrainingHost train|mkl-level|memory ...");
        return 2;
}

static int Train(string output, int epochs, long checkpointEvery, bool resume, int threads, double learningRate, bool tiger)
{
    Directory.CreateDirectory(output);
    var (features, dimension) = tiger ? Synthetic(rows: 8192, dimension: 768, seed: 11) : Synthetic(rows: 3000, dimension: 48, seed: 11);
    var small = new RqVaeTrainerOptions
    {
        Model = new RqVaeOptions
        {
            HiddenDimensions = [256, 128],
            LatentDimension = 16,
            Quantization = new QuantizerOptions { Levels = 3, CodebookSize = 32, KMeansSampleSize = 1000, KMeansIterations = 10 },
        },
        Epochs = epochs,
        BatchSize = 50,
        LearningRate = learningRate,
        Seed = 2024,
        Threads = threads,
        EvaluateEvery = 3,
    };
    var options = tiger ? small with { Model = new RqVaeOptions { Quantization = new QuantizerOptions { KMeansSampleSize = 8192, KMeansIterations = 10 } }, BatchSize = 1024 } : small;
    var checkpoint = Path.Combine(output, "checkpoint.ckpt");
    if (resume && File.Exists(checkpoint)) Console.WriteLine($"resumed-from {TrainingCheckpoint.Read(checkpoint).Step}");
    var trainer = new RqVaeTrainer(options)
    {
        Checkpoints = new CheckpointOptions { Path = checkpoint, EverySteps = checkpointEvery, EveryEpochs = 1, Resume = resume },
    };
    var progress = new Reporter(p => Console.WriteLine($"step {p.Step}"));
    try
    {
        using var result = trainer.Fit(features, dimension, progress);
        result.Tokenizer.Save(Path.Combine(output, "model"));
        var ids = result.Tokenizer.Encode(features);
        RqVae.IO.AtomicFile.WriteAllText(Path.Combine(output, "ids.txt"), string.Join('\n', Enumerable.Range(0, ids.Count).Select(ids.Format)) + "\n");
        Console.WriteLine("done");
        return 0;
    }
    catch (TrainingDivergedException e)
    {
        Console.Error.WriteLine(e.Message);
        return 3;
    }
}

static int Memory(int rows, int dimension, int batchSize, int epochs, int threads)
{
    var options = new RqVaeTrainerOptions { Epochs = epochs, BatchSize = batchSize, Threads = threads, EvaluateEvery = 0 };
    var estimate = TrainingMemoryEstimate.For(options, rows, dimension);
    var (features, _) = Synthetic(rows, dimension, seed: 5);
    var epochPeaks = new List<long>();
    var trainer = new RqVaeTrainer(options) { EpochCompleted = (_, _) => epochPeaks.Add(PeakResidentBytes()) };
    using (var result = trainer.Fit(features, dimension)) { }
    Console.WriteLine($"estimate {estimate.Total} peak {PeakResidentBytes()}");
    Console.WriteLine(estimate.Describe());
    Console.WriteLine($"epoch-peaks {string.Join(' ', epochPeaks)}");
    return 0;
}

static long PeakResidentBytes()
{
    var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return long.Parse(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}

// Gaussian clusters from a fixed seed: the same bytes in every process.
static (float[] Features, int Dimension) Synthetic(int rows, int dimension, int seed)
{
    var random = new Random(seed);
    const int clusters = 40;
    var centres = new float[clusters * dimension];
    for (var i = 0; i < centres.Length; i++) centres[i] = (float)(random.NextDouble() * 4 - 2);
    var features = new float[rows * dimension];
    for (var r = 0; r < rows; r++)
        for (var j = 0; j < dimension; j++)
            features[r * dimension + j] = centres[(r % clusters) * dimension + j] + (float)(random.NextDouble() - 0.5) * 0.3f;
    return (features, dimension);
}

sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
