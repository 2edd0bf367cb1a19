using System.Net.Http.Headers;
using System.Text;
using RqVae.Catalogue.Stores;
using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Api;

/// <summary>Refusals of whole requests: RFC 9457 problems naming the field and the limit, never a stack trace; the API key.</summary>
[Collection(CatalogueCollection.Name)]
public sealed class RequestProblemTests(CatalogueModelFixture fixture)
{
    [Fact]
    public async Task Malformed_json_is_a_problem_giving_the_line_and_byte()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var (status, body, response) = await PostAsync(service.Client, "/items", "{\"items\":[\n  {\"item_id\": \"a\",, }]}");
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The second comma of line 2 ("  {\"item_id\": \"a\",, }") is its 19th byte.
        Assert.Equal(2, (int)body!["line"]!);
        Assert.Equal(19, (int)body["byte_in_line"]!);
        Assert.Contains("line 2, byte 19", (string?)body["detail"]);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413_and_a_batch_over_the_item_limit_is_400_each_naming_its_limit()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"),
            new CatalogueServiceOptions { MaxRequestBodyBytes = 4096, MaxBatchItems = 3 });
        var big = Items([.. Enumerable.Range(0, 60).Select(i => ($"i{i}", fixture.Features[i]))]);
        Assert.True(Encoding.UTF8.GetByteCount(big) > 4096);
        var (status, body, _) = await PostAsync(service.Client, "/items", big);
        Assert.Equal(413, status);
        Assert.Equal(4096, (long)body!["limit"]!);
        Assert.Contains("the limit is 4096 bytes", (string?)body["errors"]!["$"]![0]);

        // The same body sent without a length (chunked): Kestrel stops reading at the limit.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        var response = await service.Client.SendAsync(chunked);
        Assert.Equal(413, (int)response.StatusCode);

        var (tooMany, batch, _) = await PostAsync(service.Client, "/items", Items([.. Enumerable.Range(0, 4).Select(i => ($"i{i}", fixture.Features[i]))]));
        Assert.Equal(400, tooMany);
        Assert.Equal(3, (int)batch!["limit"]!);
        Assert.Contains("has 4 items; the limit is 3", (string?)batch["errors"]!["items"]![0]);
    }

    [Fact]
    public async Task Unknown_items_bad_prefixes_bad_ids_and_bad_query_numbers_are_problems_naming_the_field()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        (string Path, int Status, string Field, string Says)[] cases =
        [
            ("/items/nobody", 404, "item_id", "no item has the id 'nobody'"),
            ("/items/nobody/similar", 404, "item_id", "nobody"),
            ("/ids/1-2", 400, "id", "a full ID has 3"),
            ("/ids/1-x-0", 400, "id", "not a full ID"),
            ("/ids/1-9-0", 400, "id", "outside 0..7"),
            ("/ids/1-2-0", 404, "id", "no item has the ID 1-2-0"),
            ("/prefixes/1-99", 400, "prefix", "0..7"),
            ("/prefixes/1-2-3/items", 400, "prefix", "at most 2"),
            ("/prefixes/1/items?limit=0", 400, "limit", "1..1000"),
            ("/prefixes/1/items?after=zz", 400, "after", "next_page_offset"),
            ("/search?q=", 400, "q", "empty"),
        ];
        foreach (var (path, status, field, says) in cases)
        {
            var (got, body, _) = await GetAsync(service.Client, path);
            Assert.True(got == status, $"{path}: {got} {body}");
            Assert.Contains(says, (string?)body!["errors"]![field]![0]);
        }
    }

    [Fact]
    public async Task An_unhandled_failure_is_a_500_problem_without_the_exception_or_its_stack_trace()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"), wrapStore: store => new FailingStore(store));
        var (status, body, response) = await GetAsync(service.Client, "/items/anything");
        var text = body!.ToJsonString();
        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(500, (int)body["status"]!);
        Assert.DoesNotContain(FailingStore.Secret, text);
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("FailingStore", text);
    }

    [Fact]
    public async Task With_an_api_key_writes_need_it_as_bearer_or_header_and_reads_do_not()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"), new CatalogueServiceOptions { ApiKey = "s3cret-key" });
        var body = Items(("k", fixture.Features[0]));
        var (none, refused, response) = await PostAsync(service.Client, "/items", body);
        Assert.Equal(401, none);
        Assert.Contains("requires an API key", (string?)refused!["errors"]!["authorization"]![0]);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var (wrong, _, _) = await PostAsync(service.Client, "/items", body, bearer: "s3cret-kez");
        Assert.Equal(401, wrong);
        var (right, _, _) = await PostAsync(service.Client, "/items", body, bearer: "s3cret-key");
        Assert.Equal(200, right);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/items/k");
        Assert.Equal(401, (int)(await service.Client.SendAsync(delete)).StatusCode);
        using var keyed = new HttpRequestMessage(HttpMethod.Delete, "/items/k");
        keyed.Headers.Add("X-Api-Key", "s3cret-key");
        Assert.Equal(200, (int)(await service.Client.SendAsync(keyed)).StatusCode);
        var (read, _, _) = await GetAsync(service.Client, "/items/k");
        Assert.Equal(200, read);
    }

    [Fact]
    public async Task Health_openapi_and_metrics_are_served()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        Assert.Equal(200, (await GetAsync(service.Client, "/health/live")).Status);
        var (ready, readyBody, _) = await GetAsync(service.Client, "/health/ready");
        Assert.Equal(200, ready);
        Assert.Equal("Healthy", (string?)readyBody);
        var (openapi, document, _) = await GetAsync(service.Client, "/openapi/v1.json");
        Assert.Equal(200, openapi);
        foreach (var path in new[] { "/items", "/items/{item_id}", "/ids/{id}", "/prefixes/{prefix}/items", "/prefixes/{prefix}", "/items/{item_id}/similar", "/encode", "/search" })
            Assert.NotNull(document!["paths"]![path]);
        await GetAsync(service.Client, "/items/none");
        var (_, metrics, _) = await GetAsync(service.Client, "/metrics");
        var text = (string)metrics!;
        Assert.Contains("http_requests_received_total{code=\"404\",method=\"GET\",controller=\"\",action=\"\",endpoint=\"/items/{item_id}\"} 1", text);
        Assert.Contains("http_request_duration_seconds_bucket", text);
        Assert.Contains("rqvae_store_items{state=\"active\"} 0", text);
    }

    /// <summary>A store whose lookups fail with an exception carrying a message that must not reach the client.</summary>
    private sealed class FailingStore(ICatalogueStore inner) : ICatalogueStore
    {
        public const string Secret = "connection string Password=hunter2";

        public string Location => inner.Location;
        public CatalogueModel Model => inner.Model;
        public int SchemaVersion => inner.SchemaVersion;
        public Task<IReadOnlyList<AssignResult>> AssignAsync(IReadOnlyList<NewCatalogueItem> items, CancellationToken cancellationToken = default) => inner.AssignAsync(items, cancellationToken);
        public Task<IReadOnlyList<AssignResult>> ImportAsync(IReadOnlyList<ImportedCatalogueItem> items, CancellationToken cancellationToken = default) => inner.ImportAsync(items, cancellationToken);
        public Task<CatalogueItem?> GetAsync(string itemId, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);
        public Task<CatalogueItem?> FindByIdAsync(CatalogueId id, CancellationToken cancellationToken = default) => inner.FindByIdAsync(id, cancellationToken);
        public Task<CataloguePage> BrowseAsync(IReadOnlyList<int> prefix, CatalogueId? after, int limit, CancellationToken cancellationToken = default) => inner.BrowseAsync(prefix, after, limit, cancellationToken);
        public Task<IReadOnlyList<CatalogueChild>> ChildrenAsync(IReadOnlyList<int> prefix, int titlesPerChild = 3, CancellationToken cancellationToken = default) => inner.ChildrenAsync(prefix, titlesPerChild, cancellationToken);
        public Task<IReadOnlyList<CatalogueItem>> SearchAsync(string text, int limit, CancellationToken cancellationToken = default) => inner.SearchAsync(text, limit, cancellationToken);
        public Task<CatalogueItem?> RetireAsync(string itemId, CancellationToken cancellationToken = default) => inner.RetireAsync(itemId, cancellationToken);
        public Task<CatalogueCounts> CountsAsync(CancellationToken cancellationToken = default) => inner.CountsAsync(cancellationToken);
        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => inner.PingAsync(cancellationToken);
        public IAsyncEnumerable<CatalogueItem> ReadAllAsync(CancellationToken cancellationToken = default) => inner.ReadAllAsync(cancellationToken);
        public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) => inner.GetSettingAsync(key, cancellationToken);
        public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default) => inner.SetSettingAsync(key, value, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
