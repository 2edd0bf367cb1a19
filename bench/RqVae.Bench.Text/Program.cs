// Throughput of MiniLmEmbedder on short movie-like texts, at 1 and 2 intra-op threads.
// Usage: dotnet run -c Release --project bench/RqVae.Bench.Text [-- <text count> [<repeats> [<batch size> [spin]]]]
// Each configuration is timed <repeats> times, alternating, and the best run is reported: on a machine
// shared with other work the fastest run is the one least disturbed by it. CPU seconds are printed too,
// because they show how much of the wall time the process actually had the cores.
using System.Diagnostics;
using RqVae.Text;

var count = args.Length > 0 ? int.Parse(args[0]) : 2000;
var repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var batchSize = args.Length > 2 ? int.Parse(args[2]) : new MiniLmEmbedderOptions().BatchSize;
var spin = args.Length > 3 && args[3] == "spin";
var texts = MovieLikeTexts(count, seed: 42);
int[] threadCounts = [1, 2];

Console.WriteLine($"{count} texts (\"{texts[0]}\", ...), batch size {batchSize}, thread spinning {(spin ? "on" : "off")}, " +
                  $"{Environment.ProcessorCount} logical cores, best of {repeats}");
var embedders = threadCounts.ToDictionary(t => t, t => new MiniLmEmbedder(
    new MiniLmEmbedderOptions { IntraOpThreads = t, BatchSize = batchSize, AllowThreadSpinning = spin }));
try
{
    var tokens = texts.Select(t => embedders[1].Tokenize(t).Length).ToArray();
    Console.WriteLine($"tokens per text: mean {tokens.Average():F1}, max {tokens.Max()}");
    foreach (var embedder in embedders.Values) embedder.Embed(texts[..Math.Min(128, count)]); // warm-up

    var best = threadCounts.ToDictionary(t => t, _ => (Rate: 0.0, Seconds: 0.0, CpuSeconds: 0.0));
    for (var r = 0; r < repeats; r++)
    {
        foreach (var threads in threadCounts)
        {
            var (seconds, cpuSeconds) = Time(() => embedders[threads].Embed(texts));
            var rate = count / seconds;
            Console.WriteLine($"  run {r + 1}, intra-op threads {threads}: {seconds,6:F2} s  {rate,5:F0} texts/s  ({cpuSeconds:F2} CPU-s)");
            if (rate > best[threads].Rate) best[threads] = (rate, seconds, cpuSeconds);
        }
    }
    foreach (var threads in threadCounts)
        Console.WriteLine($"best, intra-op threads {threads}: {best[threads].Rate,5:F0} texts/s " +
                          $"({best[threads].Seconds:F2} s wall, {best[threads].CpuSeconds:F2} CPU-s, {count / best[threads].CpuSeconds:F0} texts per CPU-s)");
    Console.WriteLine($"speed-up 2 threads / 1 thread: {best[2].Rate / best[1].Rate:F2}x");
}
finally
{
    foreach (var embedder in embedders.Values) embedder.Dispose();
}

static (double Seconds, double CpuSeconds) Time(Action work)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    work();
    clock.Stop();
    process.Refresh();
    return (clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
}

// Titles, years and genre lists shaped like MovieLens's "Title (year). Genres: a, b" texts.
static string[] MovieLikeTexts(int count, int seed)
{
    string[] words = ["Story", "Night", "Return", "Love", "War", "Dark", "City", "King", "Lost", "Last", "Man", "Woman",
        "Game", "Dream", "Blue", "Fire", "Shadow", "Heart", "River", "Star", "Ghost", "Summer", "Winter", "Secret",
        "Amélie", "Café", "Toy", "Space", "Island", "Road", "House", "Stranger"];
    string[] genres = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
        "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western"];
    var random = new Random(seed);
    return Enumerable.Range(0, count).Select(_ =>
    {
        var title = string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => words[random.Next(words.Length)]));
        var picked = genres.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).Order();
        return $"{title} ({random.Next(1920, 2017)}). Genres: {string.Join(", ", picked)}";
    }).ToArray();
}
