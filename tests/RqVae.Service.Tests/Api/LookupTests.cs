using RqVae.SemanticIds;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Api;

/// <summary>Lookups over a catalogue of 300 assigned items: by item, by full ID, by prefix (children and pages), similar, search, retire.</summary>
[Collection(CatalogueCollection.Name)]
public sealed class LookupTests(CatalogueModelFixture fixture)
{
    private async Task<InProcessService> FilledAsync(TemporaryDirectory dir)
    {
        var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var body = $$"""{"items":[{{string.Join(',', Enumerable.Range(0, CatalogueModelFixture.Count).Select(r =>
            $$"""{"item_id":"{{fixture.ItemIds[r]}}","title":"{{fixture.Titles[r]}}","features":[{{string.Join(',', fixture.Features[r].Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}"""))}}]}""";
        var (status, _, _) = await PostAsync(service.Client, "/items", body);
        Assert.Equal(200, status);
        return service;
    }

    // The IDs the store must have given, worked out independently: the model's codes, then 0, 1, … among items sharing them in order.
    private Dictionary<string, int[]> ExpectedIds()
    {
        var next = new Dictionary<string, int>();
        var ids = new Dictionary<string, int[]>();
        for (var r = 0; r < CatalogueModelFixture.Count; r++)
        {
            var codes = fixture.Model.Tokenizer.Encode(fixture.Features[r])[0].ToArray();
            var key = string.Join('-', codes);
            var c = next.GetValueOrDefault(key);
            next[key] = c + 1;
            ids[fixture.ItemIds[r]] = [.. codes, c];
        }
        return ids;
    }

    [Fact]
    public async Task Lookup_by_item_and_by_full_id_return_the_stored_id_and_title()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await FilledAsync(dir);
        var expected = ExpectedIds();
        foreach (var r in new[] { 0, 1, 57, 299 })
        {
            var (status, item, _) = await GetAsync(service.Client, $"/items/{fixture.ItemIds[r]}");
            Assert.Equal(200, status);
            Assert.Equal(expected[fixture.ItemIds[r]], Ints(item!["codes"]));
            Assert.Equal(fixture.Titles[r], (string?)item["title"]);
            var (byId, reverse, _) = await GetAsync(service.Client, $"/ids/{item["id"]}");
            Assert.Equal(200, byId);
            Assert.Equal(fixture.ItemIds[r], (string?)reverse!["item_id"]);
        }
    }

    [Fact]
    public async Task Children_count_the_items_under_each_next_code_and_pages_walk_a_prefix_in_id_order_without_gaps_or_repeats()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await FilledAsync(dir);
        var expected = ExpectedIds();
        var (_, root, _) = await GetAsync(service.Client, "/prefixes");
        var byFirst = expected.Values.GroupBy(id => id[0]).ToDictionary(g => g.Key, g => (long)g.Count());
        var children = root!["children"]!.AsArray();
        Assert.Equal(byFirst.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)), children.Select(c => ((int)c!["code"]!, (long)c["items"]!)));
        Assert.Equal(CatalogueModelFixture.Count, (long)root["items"]!);

        var first = (int)children[0]!["code"]!;
        var (_, level2, _) = await GetAsync(service.Client, $"/prefixes/{first}");
        Assert.Equal(byFirst[first], (long)level2!["items"]!);
        Assert.All(level2["children"]!.AsArray(), c => Assert.StartsWith($"{first}-", (string?)c!["prefix"]));

        var want = expected.Where(kv => kv.Value[0] == first).OrderBy(kv => kv.Value, Comparer<int[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).Select(kv => kv.Key).ToList();
        var got = new List<string>();
        string? after = null;
        for (var page = 0; page < 100; page++)
        {
            var (status, body, _) = await GetAsync(service.Client, $"/prefixes/{first}/items?limit=7" + (after is null ? "" : $"&after={after}"));
            Assert.Equal(200, status);
            got.AddRange(body!["items"]!.AsArray().Select(i => (string)i!["item_id"]!));
            after = (string?)body["next_page_offset"];
            if (after is null) break;
        }
        Assert.Equal(want, got);
    }

    [Fact]
    public async Task Similar_ranks_as_the_librarys_index_over_the_active_items()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await FilledAsync(dir);
        var expected = ExpectedIds();
        var ids = fixture.ItemIds;
        var index = SemanticIdIndex.Build(fixture.Model.Tokenizer,
            new SemanticIdTable([.. ids.SelectMany(i => expected[i].Take(2))], 2));
        var want = index.SimilarTo(10, 5).Select(s => (ids[s.Row], s.SharedPrefix)).ToList();
        var (status, body, _) = await GetAsync(service.Client, $"/items/{ids[10]}/similar?k=5");
        Assert.Equal(200, status);
        Assert.Equal(want, body!["similar"]!.AsArray().Select(s => ((string)s!["item_id"]!, (int)s["shared_prefix"]!)));

        // Retiring an item takes it out of the similar items, keeps its ID, and its ID is never given again.
        var retired = want[0].Item1;
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/items/{retired}"))
            Assert.Equal(200, (int)(await service.Client.SendAsync(delete)).StatusCode);
        var (_, after, _) = await GetAsync(service.Client, $"/items/{ids[10]}/similar?k=5");
        Assert.DoesNotContain(retired, after!["similar"]!.AsArray().Select(s => (string)s!["item_id"]!));
        var (_, item, _) = await GetAsync(service.Client, $"/items/{retired}");
        Assert.True((bool)item!["retired"]!);
        Assert.Equal(expected[retired], Ints(item["codes"]));
    }

    [Fact]
    public async Task Search_finds_an_item_by_title_words_by_item_id_and_by_full_id()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await FilledAsync(dir);
        var (_, byTitle, _) = await GetAsync(service.Client, "/search?q=toy%20story");
        Assert.Equal("movie0", (string?)byTitle!["items"]![0]!["item_id"]);
        var (_, byItem, _) = await GetAsync(service.Client, "/search?q=movie57");
        Assert.Equal("movie57", (string?)byItem!["items"]![0]!["item_id"]);
        var id = string.Join('-', ExpectedIds()["movie123"]);
        var (_, byId, _) = await GetAsync(service.Client, $"/search?q={id}");
        Assert.Equal("movie123", (string?)byId!["items"]![0]!["item_id"]);
    }

    [Fact]
    public async Task A_new_item_with_a_retired_items_codes_gets_the_next_collision_code_not_the_retired_one()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var features = fixture.Features[0];
        await PostAsync(service.Client, "/items", Items(("old", features)));
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, "/items/old"))
            await service.Client.SendAsync(delete);
        var (_, body, _) = await PostAsync(service.Client, "/items", Items(("new", features), ("old", features)));
        Assert.Equal(1, Ints(body!["results"]![0]!["codes"])[^1]);
        Assert.Equal("unchanged", (string?)body["results"]![1]!["status"]);
        Assert.True((bool)body["results"]![1]!["retired"]!);
        Assert.Equal(0, Ints(body["results"]![1]!["codes"])[^1]);
    }
}
