// Throughput of MiniLmEmbedder on short movie-like texts, at 1 and 2 intra-op threads.
// Usage: dotnet run -c Release --project bench/RqVae.Bench.Text [-- <text count> [<batch size> [spin]]]
using System.Diagnostics;
using RqVae.Text;

var count = args.Length > 0 ? int.Parse(args[0]) : 2000;
var batchSize = args.Length > 1 ? int.Parse(args[1]) : new MiniLmEmbedderOptions().BatchSize;
var spin = args.Length > 2 && args[2] == "spin";
var texts = MovieLikeTexts(count, seed: 42);

Console.WriteLine($"{count} texts (\"{texts[0]}\", ...), batch size {batchSize}, thread spinning {(spin ? "on" : "off")}, {Environment.ProcessorCount} logical cores");
var rates = new Dictionary<int, double>();
foreach (var threads in new[] { 1, 2 })
{
    using var embedder = new MiniLmEmbedder(new MiniLmEmbedderOptions { IntraOpThreads = threads, BatchSize = batchSize, AllowThreadSpinning = spin });
    if (threads == 1)
    {
        var tokens = texts.Select(t => embedder.Tokenize(t).Length).ToArray();
        Console.WriteLine($"tokens per text: mean {tokens.Average():F1}, max {tokens.Max()}");
    }
    embedder.Embed(texts[..Math.Min(128, count)]); // warm-up: graph optimisation, thread pool, allocator
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    embedder.Embed(texts);
    clock.Stop();
    process.Refresh();
    var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    rates[threads] = count / clock.Elapsed.TotalSeconds;
    // CPU seconds reveal contention: on idle cores, 2 threads should use ~2 CPU-s per wall second.
    Console.WriteLine($"intra-op threads {threads}: {clock.Elapsed.TotalSeconds,6:F2} s  {rates[threads],7:F0} texts/s  " +
                      $"({cpuSeconds:F2} CPU-s, {count / cpuSeconds:F0} texts per CPU-s)");
}
Console.WriteLine($"speed-up 2 threads / 1 thread: {rates[2] / rates[1]:F2}x");

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
