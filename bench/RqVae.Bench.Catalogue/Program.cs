using System.Diagnostics;
using System.Globalization;
using Npgsql;
using RqVae.Catalogue.Stores;

// The catalogue store benchmark: the same bounded workload on SQLite (the baseline) and PostgreSQL, in one run.
//   dotnet run -c Release --project bench/RqVae.Bench.Catalogue -- [--quick] [--postgres CONNECTION]
// (bench/catalogue.sh starts the test PostgreSQL and passes it.) Each store is new and empty; the model has
// L = 3 levels of K = 256 codes; codes are drawn from 64 × 64 × 4 values so a share of items collide.
var quick = args.Contains("--quick");
var postgresAt = Array.IndexOf(args, "--postgres");
var postgres = postgresAt >= 0 && postgresAt + 1 < args.Length ? args[postgresAt + 1] : Environment.GetEnvironmentVariable("RQVAE_TEST_POSTGRES");
var singles = quick ? 300 : 2000;
var batches = quick ? 40 : 200;
var lookups = quick ? 5000 : 40000;
var model = new CatalogueModel(new string('b', 64), 3, 256);
var work = Directory.CreateTempSubdirectory("rqvae-bench-catalogue-").FullName;

Console.WriteLine($"catalogue store benchmark: {singles} assigns of 1 item, {batches} of 256, {lookups} lookups by item id and by full ID (1 and 4 concurrent readers); {Environment.ProcessorCount} cores");
var rows = new List<(string Backend, Dictionary<string, double> Rates)>
{
    ("SQLite", await Measure(Path.Combine(work, "store.db"))),
};
if (string.IsNullOrWhiteSpace(postgres) || postgres == "skip")
    Console.WriteLine("PostgreSQL: not measured (pass --postgres CONNECTION or set RQVAE_TEST_POSTGRES; bench/catalogue.sh does)");
else
{
    var schema = "rqvae_bench_" + Guid.NewGuid().ToString("N")[..8];
    await Execute(postgres, $"CREATE SCHEMA {schema}");
    try
    {
        rows.Add(("PostgreSQL", await Measure(new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString)));
    }
    finally
    {
        NpgsqlConnection.ClearAllPools();
        await Execute(postgres, $"DROP SCHEMA {schema} CASCADE");
    }
}
Directory.Delete(work, recursive: true);

var measures = rows[0].Rates.Keys.ToList();
Console.WriteLine();
Console.WriteLine($"| backend | {string.Join(" | ", measures)} |");
Console.WriteLine($"|---|{string.Concat(measures.Select(_ => "---|"))}");
foreach (var (backend, rates) in rows)
    Console.WriteLine($"| {backend} | {string.Join(" | ", measures.Select(m => rates[m].ToString("N0", CultureInfo.InvariantCulture) + (backend == rows[0].Backend ? "" : $" ({rates[m] / rows[0].Rates[m]:0.00}×)")))} |");
return 0;

async Task<Dictionary<string, double>> Measure(string location)
{
    var random = new Random(42);
    int[] Codes() => [random.Next(64), random.Next(64), random.Next(4)];
    var rates = new Dictionary<string, double>();
    await using var store = await CatalogueStores.OpenAsync(location, model);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < singles; i++) await store.AssignAsync([new NewCatalogueItem($"single-{i}", Codes(), $"Single {i}")]);
    rates["assign, batch 1 (items/s)"] = singles / clock.Elapsed.TotalSeconds;

    clock.Restart();
    for (var b = 0; b < batches; b++)
        await store.AssignAsync(Enumerable.Range(0, 256).Select(i => new NewCatalogueItem($"batch-{b}-{i}", Codes(), $"Batch {b} item {i}")).ToList());
    rates["assign, batch 256 (items/s)"] = batches * 256 / clock.Elapsed.TotalSeconds;

    clock.Restart();
    var resent = Enumerable.Range(0, 256).Select(i => new NewCatalogueItem($"batch-0-{i}", Codes())).ToList();
    for (var b = 0; b < Math.Max(1, batches / 4); b++) await store.AssignAsync(resent);
    rates["re-assign known, batch 256 (items/s)"] = Math.Max(1, batches / 4) * 256 / clock.Elapsed.TotalSeconds;

    var total = singles + batches * 256;
    var ids = new List<CatalogueId>();
    for (var i = 0; i < 1000; i++) ids.Add((await store.GetAsync($"batch-{random.Next(batches)}-{random.Next(256)}"))!.Id);
    foreach (var readers in new[] { 1, 4 })
    {
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, readers).Select(r => Task.Run(async () =>
        {
            var local = new Random(r);
            for (var i = 0; i < lookups / readers; i++)
                if (await store.GetAsync($"batch-{local.Next(batches)}-{local.Next(256)}") is null) throw new InvalidOperationException("an item is missing");
        })));
        rates[$"lookup by item id, {readers} reader{(readers > 1 ? "s" : "")} (/s)"] = lookups / clock.Elapsed.TotalSeconds;
    }
    clock.Restart();
    for (var i = 0; i < lookups; i++)
        if (await store.FindByIdAsync(ids[i % ids.Count]) is null) throw new InvalidOperationException("an ID is missing");
    rates["lookup by full ID (/s)"] = lookups / clock.Elapsed.TotalSeconds;
    var counts = await store.CountsAsync();
    if (counts.Items != total) throw new InvalidOperationException($"{counts.Items} items stored, {total} expected");
    Console.WriteLine($"{store.Location}: {counts.Items:N0} items, {counts.Collided:N0} with a collision code above 0");
    return rates;
}

static async Task Execute(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}
