using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RqVae.Metrics;
using RqVae.SemanticIds;
using RqVae.Training;

namespace RqVae.Bench.Quality;

/// <summary>
/// The quality–time curve of the default RQ-VAE: the library's default options with only the step budget
/// (<see cref="RqVaeTrainerOptions.MaxSteps"/>) changed, one training per budget, each measured by training time, mean
/// reconstruction cosine, raw collision rate and overlap@10 (the share of an item's 10 nearest input-space neighbours that
/// are among its 10 nearest by semantic ID). Small catalogues are measured on every item, as the user gets them; the
/// synthetic million-item catalogue on a held-out sample drawn from the same distribution (the trainer sees a 100,000-item
/// sample of the million). Each run stops on its budget or on convergence, as the default does; the table says which.
/// </summary>
internal static class BudgetCurve
{
    public static void Run(string[] args)
    {
        var which = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "all";
        var threads = IntArgument(args, "--threads") ?? 2;
        var steps = ListArgument(args, "--steps");
        // Other batch sizes and rates than the defaults, to compare recipes at equal training time.
        var batchSize = IntArgument(args, "--batch-size");
        var learningRate = DoubleArgument(args, "--learning-rate");
        // Any other option, by its property path: --set WarmupFraction=0.02,Model.CommitmentWeight=0.5
        var settings = SetArgument(args);
        var catalogues = new List<Func<CurveCatalogue>>();
        if (which is "movielens" or "all") catalogues.Add(() => CurveCatalogue.Whole(Catalogue.MovieLens()));
        if (which is "wordnet" or "all") catalogues.Add(() => CurveCatalogue.Whole(Catalogue.WordNet()));
        if (which is "synthetic" or "all") catalogues.Add(() => SyntheticCatalogue.Create(1_000_000, 384, heldOut: 10_000, seed: 11));
        if (catalogues.Count == 0) throw new ArgumentException($"Unknown data set \"{which}\": use movielens, wordnet, synthetic or all.");

        Console.WriteLine($"Budget curve: the default RQ-VAE (3 × 256; batch {batchSize?.ToString(CultureInfo.InvariantCulture) ?? "default"}, learning rate {learningRate?.ToString(CultureInfo.InvariantCulture) ?? "default"}{(settings.Count > 0 ? ", " + string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}")) : "")}) at step budgets {string.Join(", ", steps ?? [])} (default: 500 … 8,000), " +
                          $"{threads} torch threads, {Environment.ProcessorCount} logical cores; {RqVae.Platform.MklDispatch.Describe()}; load {Load()}.");
        foreach (var load in catalogues)
        {
            var data = load();
            Console.WriteLine();
            Console.WriteLine($"### {data.Name}");
            Console.WriteLine($"measured on {data.MeasuredOn}");
            Console.WriteLine();
            Console.WriteLine("| step budget | steps trained | epochs | training items | train s wall (CPU) | cosine | raw collisions | perplexity L1/L2/L3 | overlap@10 |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            var inputNeighbours = Semantics.InputNeighbours(data.Measured, data.Dimension);
            foreach (var budget in steps ?? [500, 1000, 2000, 3000, 5000, 8000])
            {
                var defaults = new RqVaeTrainerOptions();
                var options = OptionPaths.With(defaults, settings) with { Threads = threads, MaxSteps = budget };
                options = options with { BatchSize = batchSize ?? options.BatchSize, LearningRate = learningRate ?? options.LearningRate };
                Console.Error.WriteLine($"[{data.Name}] {budget} steps ({options.EpochsFor(data.Rows)} epochs) … load {Load()}");
                var clock = Stopwatch.StartNew();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                using var trained = new RqVaeTrainer(options).Fit(data.Training, data.Dimension);
                var wall = clock.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var tokenizer = trained.Tokenizer;
                var ids = tokenizer.Encode(data.Measured);
                var report = EvaluationReport.Of(tokenizer, data.Measured, ids);
                var overlap = Semantics.Overlap(inputNeighbours, Semantics.IdNeighbours(ids, tokenizer.CodeVectors(ids), tokenizer.CodeDimension));
                var perplexity = string.Join(" / ", report.Levels.Select(l => l.Perplexity.ToString("F0", CultureInfo.InvariantCulture)));
                var last = trained.History[^1];
                var stopped = trained.Converged ? " (converged)" : "";
                Console.WriteLine($"| {budget:N0} | {last.Steps:N0}{stopped} | {last.Epoch} of {options.EpochsFor(data.Rows)} | {options.TrainingRowsFor(data.Rows):N0} | {wall:F1} ({cpuSeconds:F0}) | " +
                                  $"{report.Reconstruction.MeanCosine:F4} | {100 * report.Collisions.CollisionRate:F2} % | {perplexity} | {overlap:F3} |");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"load at the end: {Load()}");
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static int? IntArgument(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static double? DoubleArgument(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static IReadOnlyDictionary<string, string> SetArgument(string[] args)
    {
        var at = Array.IndexOf(args, "--set");
        if (at < 0) return new Dictionary<string, string>();
        // A comma starts the next setting only where a path and '=' follow, so a list value ([256,128]) stays whole.
        return Regex.Split(args[at + 1], @",(?=[A-Za-z][\w.]*=)").Select(pair => pair.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    private static long[]? ListArgument(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        // "default" is the library's own budget.
        return at >= 0
            ? args[at + 1].Split(',').Select(s => s == "default" ? new RqVaeTrainerOptions().MaxSteps : long.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : null;
    }
}

/// <summary>A catalogue to train on and the items its quality is measured on (the same array, or a held-out sample).</summary>
internal sealed record CurveCatalogue(string Name, float[] Training, float[] Measured, int Dimension, string MeasuredOn)
{
    public int Rows => Training.Length / Dimension;

    public static CurveCatalogue Whole(Catalogue catalogue)
        => new(catalogue.Name, catalogue.Features, catalogue.Features, catalogue.Dimension, $"all {catalogue.Rows:N0} items (the ones trained on, as a user encodes them)");
}
