using System.Diagnostics;
using RqVae.Bench.Harness;
using RqVae.SemanticIds;

namespace RqVae.Bench.Measures;

/// <summary>
/// Similar-item queries on a catalogue of N items (default 1,000,000) with 3 × 256 IDs drawn
/// uniformly (a trained tokenizer spreads items nearly uniformly: perplexity 230–250 of 256), against
/// a linear scan like the reference pseudo-code's <c>find_similar_items</c>: score every item of the table,
/// then take the top k. The scan is given every advantage the reference pseudo-code lacks (the
/// database IDs precomputed instead of re-encoded per query, a top-k heap instead of a full sort) and
/// ranks exactly like the index, so the two must return the same items; the measure checks that.
/// Single-threaded queries, one after another, each timed on its own for the percentiles.
/// </summary>
internal static class IndexMeasure
{
    public static void Run(BenchArgs args)
    {
        var items = args.Int("items", 1_000_000);
        var queries = args.Int("queries", 100_000);
        var scanQueries = args.Int("scan-queries", 50);
        var k = args.Int("k", 10);
        const int levels = 3, codes = 256, dimension = 32;
        var random = new Random(7);
        var table = new int[items * levels];
        for (var i = 0; i < table.Length; i++) table[i] = random.Next(codes);
        var codebooks = Enumerable.Range(0, levels).Select(_ => Enumerable.Range(0, codes * dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToArray();
        var ids = new SemanticIdTable(table, levels);

        var build = Stopwatch.StartNew();
        var index = new SemanticIdIndex(ids, codebooks, dimension);
        var buildSeconds = build.Elapsed.TotalSeconds;
        BenchResult.Log($"index of {items:N0} built in {buildSeconds:F2} s");

        var rows = Enumerable.Range(0, queries).Select(_ => random.Next(items)).ToArray();
        // Warm-up for one second, not a fixed count: tiered JIT recompiles hot methods only after a delay of
        // ~100 ms, so a short warm-up would time the unoptimised first tier (half the speed, 10 × the p99).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 1000 || warm.Elapsed < TimeSpan.FromSeconds(1); i++) index.SimilarTo(rows[i % queries], k);
        var latencies = new double[queries];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < queries; i++)
        {
            var start = Stopwatch.GetTimestamp();
            index.SimilarTo(rows[i], k);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        var indexSeconds = total.Elapsed.TotalSeconds;

        var scan = new LinearScan(ids, codebooks, dimension);
        for (var i = 0; i < 5; i++) scan.SimilarTo(rows[queries - 1 - i], k); // the baseline gets its warm-up too
        var scanLatencies = new double[scanQueries];
        var mismatches = 0;
        for (var i = 0; i < scanQueries; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var expected = scan.SimilarTo(rows[i], k);
            scanLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            if (!expected.Select(s => s.Row).SequenceEqual(index.SimilarTo(rows[i], k).Select(s => s.Row))) mismatches++;
        }

        var result = BenchResult.Create("torchsharp", "index");
        result["threads"] = 1;
        result["items"] = items;
        result["queries"] = queries;
        result["k"] = k;
        result["build_seconds"] = buildSeconds;
        result["queries_per_s"] = queries / indexSeconds;
        result["p50_us"] = Percentile(latencies, 0.50);
        result["p99_us"] = Percentile(latencies, 0.99);
        result["scan_queries"] = scanQueries;
        result["scan_queries_per_s"] = scanQueries / (scanLatencies.Sum() / 1e6);
        result["scan_p50_us"] = Percentile(scanLatencies, 0.50);
        result["scan_p99_us"] = Percentile(scanLatencies, 0.99);
        result["scan_mismatches"] = mismatches;
        BenchResult.Print(result);
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
