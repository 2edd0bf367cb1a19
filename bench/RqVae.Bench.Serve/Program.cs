// The catalogue service under load, over loopback, bounded in requests and time: lookups/s with p50/p99, assigns/s
// for batches of 1 and of 256 vectors, each beside the library's own encoding rate at the same batch size measured in
// the same run (the service's overhead), on SQLite and, when a PostgreSQL connection string is given, on PostgreSQL.
//   dotnet RqVae.Bench.Serve.dll [--work DIR] [--postgres CONNECTION] [--quick]
// bench/serve-load.sh builds it in Release and runs it (and installs Debian's wrk, which measures lookups too).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RqVae.Data.Features;
using RqVae.Data.IO;
using RqVae.Service;

var work = Arg("--work") ?? Path.Combine(Path.GetTempPath(), "rqvae-serve-bench");
var postgres = Arg("--postgres") ?? Environment.GetEnvironmentVariable("RQVAE_TEST_POSTGRES");
if (postgres == "skip") postgres = null;
var quick = args.Contains("--quick");
var tool = Path.Combine(AppContext.BaseDirectory, "RqVae.Cli.dll");
Directory.CreateDirectory(work);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

// 1. A catalogue of 20,000 items of 384 features around 200 centres (the width of MiniLM embeddings), and a model
// of the library's default architecture trained briefly on it: what the service does per item does not depend on
// how well the model was trained.
const int catalogueSize = 20_000, dimension = 384;
var random = new Random(5);
var centres = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray()).ToArray();
var features = new float[catalogueSize * dimension];
for (var r = 0; r < catalogueSize; r++)
    for (var j = 0; j < dimension; j++) features[r * dimension + j] = centres[r % centres.Length][j] + (float)(random.NextDouble() - 0.5) * 0.3f;
var itemsPath = Path.Combine(work, "items.npy");
var modelPath = Path.Combine(work, "model");
if (!File.Exists(Path.Combine(modelPath, "config.json")))
{
    FeatureFileWriter.Write(itemsPath, DataFileFormat.Auto, [.. Enumerable.Range(0, catalogueSize).Select(i => $"item{i}")], features, dimension);
    Console.Error.WriteLine("training the benchmark model (default architecture, 3 epochs)…");
    RunTool("train", itemsPath, "-o", modelPath, "--epochs", "3", "--evaluate-every", "0", "--overwrite");
}

// 2. The library's own encoding rate, in this process, at the batch sizes the service is given.
double raw1, raw256;
using (var model = ServedModel.Load(modelPath))
{
    raw256 = RawRate(model, 256, TimeSpan.FromSeconds(quick ? 2 : 4));
    raw1 = RawRate(model, 1, TimeSpan.FromSeconds(quick ? 1 : 3));
    Console.Error.WriteLine($"library encoding: {raw256:F0} items/s in batches of 256, {raw1:F0} items/s one at a time");
}

var rows = new List<string>();
var backends = new List<(string Name, string Store)> { ("SQLite", Path.Combine(work, $"store-{DateTime.UtcNow:HHmmss}.db")) };
if (postgres is not null) backends.Add(("PostgreSQL", await NewSchemaAsync(postgres)));
foreach (var (name, store) in backends)
{
    var server = StartServer(store);
    try
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(120) };
        var assigned = new ConcurrentBag<string>();
        var a256 = await AssignAsync(client, name, batch: 256, clients: 2, requests: quick ? 10 : 40, TimeSpan.FromSeconds(quick ? 10 : 30), assigned);
        rows.Add(Row(name, "assign, batches of 256", a256, a256.ItemsPerSecond / raw256));
        var b256 = await AssignAsync(client, name, batch: 256, clients: 2, requests: quick ? 10 : 40, TimeSpan.FromSeconds(quick ? 10 : 30), assigned, base64: true);
        rows.Add(Row(name, "assign, batches of 256, base64 float32 features", b256, b256.ItemsPerSecond / raw256));
        var a1 = await AssignAsync(client, name, batch: 1, clients: 8, requests: quick ? 500 : 3000, TimeSpan.FromSeconds(quick ? 5 : 15), assigned);
        rows.Add(Row(name, "assign, batches of 1", a1, a1.ItemsPerSecond / raw1));
        var ids = assigned.ToArray();
        var lookups = await LookupAsync(client, ids, clients: 16, requests: quick ? 20_000 : 200_000, TimeSpan.FromSeconds(quick ? 5 : 10));
        rows.Add(Row(name, "lookup GET /items/{id} (C# client, 16 connections)", lookups, null));
        if (Wrk(server.Url!, ids, work) is { } wrk) rows.Add(Row(name, "lookup GET /items/{id} (wrk, 2 threads, 32 connections)", wrk, null));
    }
    finally
    {
        server.Stop();
    }
}

Console.WriteLine($"catalogue service load, {Environment.ProcessorCount} cores, loopback; library encoding {raw256:F0} items/s (batch 256), {raw1:F0} items/s (batch 1)");
Console.WriteLine("| store | load | requests | errors | items/s | requests/s | p50 ms | p99 ms | share of library encoding |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var row in rows) Console.WriteLine(row);
return 0;

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

void RunTool(params string[] arguments)
{
    // The tool's progress goes to standard error, so that standard output is the table alone.
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
    foreach (var a in (string[])[tool, .. arguments]) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
    process.BeginOutputReadLine();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"rqvae {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.");
}

static double RawRate(ServedModel model, int batch, TimeSpan duration)
{
    var d = model.Tokenizer.InputDimension;
    var rows = new float[4096 * d];
    var random = new Random(1);
    for (var i = 0; i < rows.Length; i++) rows[i] = (float)random.NextDouble() * 2 - 1;
    for (var warm = 0; warm < 20; warm++) model.Encoder.Encode(rows.AsSpan(0, batch * d));
    var clock = Stopwatch.StartNew();
    long encoded = 0;
    var offset = 0;
    while (clock.Elapsed < duration)
    {
        model.Encoder.Encode(rows.AsSpan(offset * d, batch * d));
        encoded += batch;
        offset = (offset + batch) % (4096 - batch + 1);
    }
    return encoded / clock.Elapsed.TotalSeconds;
}

Server StartServer(string store)
{
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in (string[])[tool, "serve", modelPath, "--store", store, "--urls", "http://127.0.0.1:0"]) start.ArgumentList.Add(a);
    var process = Process.Start(start)!;
    var listening = new TaskCompletionSource<Uri>();
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data is not null && Regex.Match(e.Data, @"Listening on (http://127\.0\.0\.1:\d+)") is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value));
    };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("serve: " + e.Data); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    if (!listening.Task.Wait(TimeSpan.FromSeconds(120))) throw new InvalidOperationException("rqvae serve did not start listening within 120 s.");
    return new Server(process, listening.Task.Result);
}

async Task<Result> AssignAsync(HttpClient client, string backend, int batch, int clients, int requests, TimeSpan limit, ConcurrentBag<string> assigned, bool base64 = false)
{
    var tag = base64 ? "x" : "b";
    // Bodies are written before the clock starts: the client's JSON writing is not the service's cost.
    var bodies = new string[requests];
    var next = 0;
    for (var q = 0; q < requests; q++)
    {
        var text = new StringBuilder("{\"items\":[");
        for (var j = 0; j < batch; j++)
        {
            var row = (next++) % catalogueSize;
            if (j > 0) text.Append(',');
            text.Append("{\"item_id\":\"").Append(backend).Append('-').Append(tag).Append(batch).Append('-').Append(q).Append('-').Append(j).Append("\",\"features\":");
            if (base64)
            {
                text.Append('"').Append(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.AsSpan(row * dimension, dimension)))).Append("\"}");
                continue;
            }
            text.Append('[');
            for (var k = 0; k < dimension; k++)
            {
                if (k > 0) text.Append(',');
                text.Append(features[row * dimension + k].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append("]}");
        }
        bodies[q] = text.Append("]}").ToString();
    }
    var taken = -1;
    return await LoadAsync(clients, limit, async () =>
    {
        var q = Interlocked.Increment(ref taken);
        if (q >= requests) return null;
        using var response = await client.PostAsync("/items", new StringContent(bodies[q], Encoding.UTF8, "application/json"));
        var answer = await response.Content.ReadAsStringAsync();
        var ok = response.IsSuccessStatusCode && !answer.Contains("\"status\":\"error\"", StringComparison.Ordinal);
        if (ok) for (var j = 0; j < batch; j++) assigned.Add($"{backend}-{tag}{batch}-{q}-{j}");
        return (ok, batch);
    });
}

async Task<Result> LookupAsync(HttpClient client, string[] ids, int clients, int requests, TimeSpan limit)
{
    var taken = -1;
    return await LoadAsync(clients, limit, async () =>
    {
        var q = Interlocked.Increment(ref taken);
        if (q >= requests) return null;
        using var response = await client.GetAsync("/items/" + ids[(int)((uint)(q * 2654435761L) % (uint)ids.Length)]);
        await response.Content.ReadAsByteArrayAsync();
        return (response.IsSuccessStatusCode, 1);
    });
}

static async Task<Result> LoadAsync(int clients, TimeSpan limit, Func<Task<(bool Ok, int Items)?>> call)
{
    var latencies = new ConcurrentBag<double>();
    long items = 0, errors = 0;
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        while (clock.Elapsed < limit)
        {
            var started = Stopwatch.GetTimestamp();
            (bool Ok, int Items)? result;
            try
            {
                result = await call();
            }
            catch (HttpRequestException)
            {
                result = (false, 0);
            }
            if (result is null) return;
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (result.Value.Ok) Interlocked.Add(ref items, result.Value.Items);
            else Interlocked.Increment(ref errors);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var seconds = clock.Elapsed.TotalSeconds;
    var sorted = latencies.Order().ToArray();
    return new Result(sorted.Length, errors, items / seconds, sorted.Length / seconds, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static Result? Wrk(Uri url, string[] ids, string work)
{
    var wrk = new[] { "/usr/bin/wrk", "/usr/local/bin/wrk" }.FirstOrDefault(File.Exists);
    if (wrk is null)
    {
        Console.Error.WriteLine("wrk not installed: lookups measured with the C# client only (bench/serve-load.sh installs it)");
        return null;
    }
    var idsFile = Path.Combine(work, "lookup-ids.txt");
    File.WriteAllLines(idsFile, ids);
    var script = Path.Combine(work, "lookup.lua");
    File.WriteAllText(script, $$"""
        local ids = {}
        for line in io.lines("{{idsFile}}") do ids[#ids + 1] = line end
        request = function() return wrk.format("GET", "/items/" .. ids[math.random(#ids)]) end
        """);
    var start = new ProcessStartInfo(wrk) { UseShellExecute = false, RedirectStandardOutput = true };
    foreach (var a in (string[])["-t2", "-c32", "-d10s", "--latency", "-s", script, url.ToString().TrimEnd('/')]) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    double Number(string pattern) => Regex.Match(output, pattern) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * (m.Groups.Count > 2 ? Unit(m.Groups[2].Value) : 1) : double.NaN;
    static double Unit(string unit) => unit switch { "us" => 0.001, "ms" => 1, "s" => 1000, _ => double.NaN };
    var requests = Number(@"(\d+) requests in");
    var non2xx = Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    var socketErrors = Regex.Match(output, @"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)") is { Success: true } s
        ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
    var perSecond = Number(@"Requests/sec:\s+([\d.]+)");
    return new Result((long)requests, non2xx + socketErrors, perSecond, perSecond, Number(@"50%\s+([\d.]+)(us|ms|s)"), Number(@"99%\s+([\d.]+)(us|ms|s)"));
}

static string Row(string store, string load, Result r, double? share)
    => string.Create(CultureInfo.InvariantCulture,
        $"| {store} | {load} | {r.Requests:N0} | {r.Errors} | {r.ItemsPerSecond:N0} | {r.RequestsPerSecond:N0} | {r.P50:F2} | {r.P99:F2} | {(share is { } s ? $"{s:P0}" : "")} |");

static async Task<string> NewSchemaAsync(string server)
{
    var schema = "rqvae_bench_" + Guid.NewGuid().ToString("N")[..8];
    await using var connection = new Npgsql.NpgsqlConnection(server);
    await connection.OpenAsync();
    await using var command = new Npgsql.NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
    await command.ExecuteNonQueryAsync();
    return new Npgsql.NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
}

internal sealed record Result(long Requests, long Errors, double ItemsPerSecond, double RequestsPerSecond, double P50, double P99);

internal sealed record Server(Process Process, Uri? Url)
{
    public void Stop()
    {
        // SIGTERM, so the server drains and exits 0, as in production.
        Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
        if (!Process.WaitForExit(TimeSpan.FromSeconds(60))) Process.Kill(entireProcessTree: true);
    }
}
