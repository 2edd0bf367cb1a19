using RqVae.Model;

namespace RqVae.Training.Resources;

/// <summary>
/// How much memory a training run will need, by part, worked out from the options and the data's shape
/// before anything is allocated. The figures are deliberately on the high side (temporaries of the backward
/// pass and of k-means are counted at their peak), so a run that fits the estimate fits in practice.
/// </summary>
/// <param name="Features">The feature matrix as the caller holds it (float32).</param>
/// <param name="FeatureTensor">The copy of the features torch trains on.</param>
/// <param name="Weights">Parameters and buffers, their gradients, the optimizer's state and a checkpoint's copy.</param>
/// <param name="Step">Activations and their gradients of one training step.</param>
/// <param name="Initialisation">The k-means initialisation of the codebooks on its sample (float64 distances).</param>
/// <param name="Evaluation">IDs of every item and the batch temporaries of an evaluation pass.</param>
/// <param name="Runtime">The .NET runtime and libtorch themselves.</param>
public sealed record TrainingMemoryEstimate(long Features, long FeatureTensor, long Weights, long Step, long Initialisation, long Evaluation, long Runtime)
{
    /// <summary>What the .NET runtime and libtorch take before any data (measured at about 0.3 GiB; rounded up).</summary>
    public const long RuntimeBytes = 512L << 20;

    /// <summary>Everything, the caller's copy of the features included.</summary>
    public long Total => Features + FeatureTensor + Weights + Step + Initialisation + Evaluation + Runtime;

    /// <summary>What the run still needs once the features are loaded (the run's own allocations).</summary>
    public long BeyondLoadedFeatures => Total - Features - Runtime;

    /// <summary>The number of trainable parameters plus buffers of the architecture.</summary>
    public static long ParameterCount(RqVaeOptions model) => ParameterCounts.Of(model);

    /// <summary>Estimates a run of <paramref name="options"/> on <paramref name="rows"/> items of <paramref name="dimension"/> values.</summary>
    public static TrainingMemoryEstimate For(RqVaeTrainerOptions options, long rows, int dimension)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var model = options.Model with { InputDimension = dimension };
        const long f32 = 4, f64 = 8;
        var features = rows * dimension * f32;
        var parameters = ParameterCount(model);
        var optimizerCopies = options.Optimizer == OptimizerKind.Adagrad ? 1 : 2;
        // weights + gradients + optimizer state, and a checkpoint serialises all of it (twice: sections, then payload).
        var weights = parameters * f32 * (2 + optimizerCopies) * 3;

        var hidden = model.HiddenDimensions.Sum(h => (long)h);
        var latent = model.LatentDimension;
        var k = model.Quantization.CodebookSize;
        var levels = model.Quantization.Levels;
        // Per item of a batch: input and reconstruction, every hidden layer before and after ReLU in both MLPs,
        // per level the residual, code vector and distances to all codes; ×3 for gradients and the temporaries of backward.
        long perItem = 2L * dimension + 4 * hidden + latent * (2L * levels + 2) + (long)levels * k;
        var step = 3 * perItem * options.BatchSize * f32;

        var sample = Math.Min(rows, options.Model.Quantization.KMeansSampleSize);
        var initialisation = options.Model.Quantization.KMeansInit
            ? sample * hidden * f32 + sample * latent * (f32 + 2 * f64) + 2 * sample * k * f64 + sample * f64
            : 0;

        const long encodeBatch = RqVaeTokenizer.DefaultBatchSize, evaluationBatch = 8192;
        var ids = rows * levels * sizeof(int);
        var evaluation = 2 * ids + rows * 64 /* collision buckets */ + rows * sizeof(long) /* shuffled order */
                         + evaluationBatch * dimension * f32 + 2 * encodeBatch * (hidden + latent * (2L * levels) + (long)levels * k) * f32;
        return new TrainingMemoryEstimate(features, features, weights, step, initialisation, evaluation, RuntimeBytes);
    }

    /// <summary>
    /// Memory this process can still use: the smaller of the system's available memory (MemAvailable on Linux)
    /// and what the runtime's limit (a container's, if any) leaves beside the current working set.
    /// </summary>
    public static long AvailableBytes()
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - Environment.WorkingSet;
        var system = ReadMemAvailable();
        return Math.Max(0, system is { } s ? Math.Min(s, limit) : limit);
    }

    /// <summary>
    /// Throws <see cref="InsufficientMemoryForTrainingException"/> when the run clearly cannot fit in
    /// <paramref name="availableBytes"/>. With <paramref name="featuresLoaded"/> the caller's features (and the
    /// runtime) are already in memory, so only the rest must fit; without, the features must fit too (the runtime
    /// is running either way: <see cref="AvailableBytes"/> already leaves out its working set).
    /// </summary>
    public void EnsureFits(long availableBytes, bool featuresLoaded)
    {
        var needed = featuresLoaded ? BeyondLoadedFeatures : Total - Runtime;
        if (needed > availableBytes) throw new InsufficientMemoryForTrainingException(this, needed, availableBytes);
    }

    /// <summary>A one-line breakdown, e.g. for the CLI before training starts.</summary>
    public string Describe()
        => $"about {Format(Total)} (features {Format(Features)}, torch copy {Format(FeatureTensor)}, weights+optimizer {Format(Weights)}, "
           + $"per step {Format(Step)}, k-means init {Format(Initialisation)}, evaluation {Format(Evaluation)}, runtime {Format(Runtime)})";

    /// <summary>Bytes as a human-readable figure (binary units).</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };

    private static long? ReadMemAvailable()
    {
        try
        {
            if (!File.Exists("/proc/meminfo")) return null;
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[1], out var kib) ? kib * 1024 : null;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
