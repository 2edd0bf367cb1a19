using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using RqVae.Catalogue.Stores;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Serving;

/// <summary>
/// What the real <c>rqvae serve</c> process promises: SIGTERM answers the requests in flight and exits 0; after
/// <c>kill -9</c> under a write load, every acknowledged item is stored with its acknowledged ID; a store of another
/// model is refused at start; concurrent clients assigning colliding items never get one full ID twice.
/// </summary>
[Collection(CatalogueCollection.Name)]
public sealed class ServeProcessTests(CatalogueModelFixture fixture)
{
    [Fact]
    public async Task Sigterm_answers_the_request_in_flight_stores_its_item_and_exits_0()
    {
        using var dir = new TemporaryDirectory();
        var store = dir.File("store.db");
        var (serve, client) = ServeProcess.StartListening(fixture.ModelPath, store);
        using (serve)
        using (client)
        {
            var body = Encoding.UTF8.GetBytes(Items(("in-flight", fixture.Features[4])));
            var content = new GatedContent(body, body.Length / 2);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var request = client.PostAsync("/items", content);
            await content.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(300); // the server has the headers and half the body: its handler is reading
            serve.Terminate();
            await Task.Delay(700);
            Assert.False(request.IsCompleted, "the request was answered before the rest of its body was sent");
            content.Release();
            var response = await request.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, (int)response.StatusCode);
            var answer = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("created", (string?)answer["results"]![0]!["status"]);
            Assert.Equal(0, serve.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Contains("Stopped (SIGTERM)", serve.Output);

            var (again, client2) = ServeProcess.StartListening(fixture.ModelPath, store);
            using (again)
            using (client2)
            {
                var (status, item, _) = await GetAsync(client2, "/items/in-flight");
                Assert.Equal(200, status);
                Assert.Equal((string?)answer["results"]![0]!["id"], (string?)item!["id"]);
            }
        }
    }

    [Fact]
    public async Task After_kill_9_under_a_concurrent_write_load_every_acknowledged_item_has_its_acknowledged_id_and_no_id_is_shared()
    {
        using var dir = new TemporaryDirectory();
        var store = dir.File("store.db");
        var acknowledged = new ConcurrentDictionary<string, string>();
        var (serve, client) = ServeProcess.StartListening(fixture.ModelPath, store);
        using (serve)
        using (client)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            var batches = 0;
            var clients = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
            {
                for (var n = 0; n < 1000 && !stop.IsCancellationRequested; n++)
                {
                    // Items repeat the fixture's features, so many of them collide on purpose.
                    var body = Items([.. Enumerable.Range(0, 8).Select(j => ($"c{c}-{n}-{j}", fixture.Features[(c * 7 + n + j) % 40]))]);
                    try
                    {
                        var (status, answer, _) = await PostAsync(client, "/items", body);
                        if (status != 200) continue;
                        foreach (var result in answer!["results"]!.AsArray())
                            acknowledged[(string)result!["item_id"]!] = (string)result["id"]!;
                        Interlocked.Increment(ref batches);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToArray();
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref batches) < 60 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
            serve.Kill();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
        }
        Assert.True(acknowledged.Count >= 8 * 20, $"only {acknowledged.Count} items were acknowledged before the kill");

        var (restarted, client3) = ServeProcess.StartListening(fixture.ModelPath, store);
        using (restarted)
        using (client3)
        {
            foreach (var (itemId, id) in acknowledged)
            {
                var (status, item, _) = await GetAsync(client3, $"/items/{itemId}");
                Assert.True(status == 200, $"{itemId}, acknowledged with {id}, is missing after the restart");
                Assert.Equal(id, (string?)item!["id"]);
            }
            var all = await BrowseAllAsync(client3);
            Assert.Equal(all.Count, all.Select(i => i.ItemId).Distinct().Count());
            Assert.Equal(all.Count, all.Select(i => i.Id).Distinct().Count());
            Assert.Superset(acknowledged.Keys.ToHashSet(), all.Select(i => i.ItemId).ToHashSet());
        }
    }

    [Fact]
    public async Task A_store_made_for_another_model_is_refused_at_start_with_exit_code_2_naming_both_models()
    {
        using var dir = new TemporaryDirectory();
        var store = dir.File("store.db");
        var other = ServedModel.Load(fixture.Train("other-model", seed: 2));
        string otherHash;
        using (other)
        {
            otherHash = other.Identity.ModelSha256;
            await using var created = await CatalogueStores.OpenAsync(store, other.Catalogue);
            await created.AssignAsync([new NewCatalogueItem("x", [0, 0])]);
        }
        Assert.NotEqual(otherHash, fixture.Model.Identity.ModelSha256);
        using var serve = ServeProcess.Start(fixture.ModelPath, store);
        Assert.Equal(2, serve.WaitForExit(TimeSpan.FromSeconds(90)));
        Assert.Contains("does not belong to the model", serve.Error);
        Assert.Contains(otherHash, serve.Error);
        Assert.Contains(fixture.Model.Identity.ModelSha256, serve.Error);
        Assert.DoesNotContain("   at ", serve.Error);
    }

    [Fact]
    public async Task Thirty_two_concurrent_clients_assigning_the_same_features_get_one_collision_code_each()
    {
        using var dir = new TemporaryDirectory();
        var (serve, client) = ServeProcess.StartListening(fixture.ModelPath, dir.File("store.db"));
        using (serve)
        using (client)
        {
            var ids = await CollidingClientsAsync([client], clients: 32, perClient: 4, fixture.Features[9]);
            int[] codes = [.. fixture.Model.Tokenizer.Encode(fixture.Features[9])[0].ToArray()];
            Assert.Equal(Enumerable.Range(0, 128).Select(c => string.Join('-', [.. codes, c])).Order(), ids.Values.Order());
        }
    }

    [SkippableFact]
    public async Task Two_services_on_one_postgresql_database_never_give_one_full_id_to_two_items()
    {
        var location = await PostgresSchema.CreateAsync();
        var (first, client1) = ServeProcess.StartListening(fixture.ModelPath, location);
        var (second, client2) = ServeProcess.StartListening(fixture.ModelPath, location);
        using (first)
        using (second)
        using (client1)
        using (client2)
        {
            var ids = await CollidingClientsAsync([client1, client2], clients: 32, perClient: 4, fixture.Features[9]);
            int[] codes = [.. fixture.Model.Tokenizer.Encode(fixture.Features[9])[0].ToArray()];
            Assert.Equal(Enumerable.Range(0, 128).Select(c => string.Join('-', [.. codes, c])).Order(), ids.Values.Order());
            // Each service sees what the other assigned.
            foreach (var (itemId, id) in ids.Take(16))
                Assert.Equal(id, (string?)(await GetAsync(client2, $"/items/{itemId}")).Body!["id"]);
        }
    }

    /// <summary>
    /// <paramref name="clients"/> concurrent clients, each assigning <paramref name="perClient"/> items of the same
    /// features one request at a time, spread over <paramref name="services"/>; returns item id → acknowledged ID.
    /// </summary>
    private static async Task<Dictionary<string, string>> CollidingClientsAsync(HttpClient[] services, int clients, int perClient, float[] features)
    {
        var ids = new ConcurrentDictionary<string, string>();
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            start.Wait();
            for (var n = 0; n < perClient; n++)
            {
                var (status, answer, _) = await PostAsync(services[(c + n) % services.Length], "/items", Items(($"k{c}-{n}", features)));
                Assert.True(status == 200, $"client {c}: {status} {answer}");
                var result = answer!["results"]![0]!;
                Assert.Equal("created", (string?)result["status"]);
                ids[(string)result["item_id"]!] = (string)result["id"]!;
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(clients * perClient, ids.Values.Distinct().Count());
        return new Dictionary<string, string>(ids);
    }

    private static async Task<List<(string ItemId, string Id)>> BrowseAllAsync(HttpClient client)
    {
        var all = new List<(string, string)>();
        string? after = null;
        for (var page = 0; page < 1000; page++)
        {
            var (status, body, _) = await GetAsync(client, "/prefixes/items?limit=1000" + (after is null ? "" : $"&after={after}"));
            Assert.Equal(200, status);
            all.AddRange(body!["items"]!.AsArray().Select(i => ((string)i!["item_id"]!, (string)i["id"]!)));
            after = (string?)body["next_page_offset"];
            if (after is null) break;
        }
        return all;
    }
}
