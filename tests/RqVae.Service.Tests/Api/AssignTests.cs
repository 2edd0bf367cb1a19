using RqVae.Service.Tests.Support;
using RqVae.TestSupport;
using static RqVae.Service.Tests.Support.Http;

namespace RqVae.Service.Tests.Api;

/// <summary>POST /items and POST /encode over real HTTP against an SQLite store: IDs assigned once, collisions, drift, per-item errors.</summary>
[Collection(CatalogueCollection.Name)]
public sealed class AssignTests(CatalogueModelFixture fixture)
{
    private int[] Encoded(float[] features) => fixture.Model.Tokenizer.Encode(features)[0].ToArray();

    [Fact]
    public async Task A_new_item_gets_the_models_codes_and_collision_code_0_and_resubmitting_it_returns_the_same_ID_unchanged()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var body = Items(("a", fixture.Features[0]), ("b", fixture.Features[1]));

        var (status, first, _) = await PostAsync(service.Client, "/items", body);
        Assert.Equal(200, status);
        var results = first!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        for (var i = 0; i < 2; i++)
        {
            int[] expected = [.. Encoded(fixture.Features[i]), 0];
            Assert.Equal(new[] { "a", "b" }[i], (string?)results[i]!["item_id"]);
            Assert.Equal("created", (string?)results[i]!["status"]);
            Assert.Equal(expected, Ints(results[i]!["codes"]));
            Assert.Equal(string.Join('-', expected), (string?)results[i]!["id"]);
            Assert.Null(results[i]!["drift"]);
        }
        Assert.True((double)first["time"]! >= 0);

        var (again, second, _) = await PostAsync(service.Client, "/items", body);
        Assert.Equal(200, again);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("unchanged", (string?)second!["results"]![i]!["status"]);
            Assert.Equal((string?)results[i]!["id"], (string?)second["results"]![i]!["id"]);
        }
    }

    [Fact]
    public async Task Items_with_the_same_features_share_their_codes_and_get_collision_codes_0_1_2()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var same = fixture.Features[5];
        var (_, body, _) = await PostAsync(service.Client, "/items", Items(("x", same), ("y", same), ("z", same)));
        var codes = Encoded(same);
        var ids = body!["results"]!.AsArray().Select(r => Ints(r!["codes"])).ToList();
        Assert.Equal([[.. codes, 0], [.. codes, 1], [.. codes, 2]], ids);

        var (_, metrics, _) = await GetAsync(service.Client, "/metrics");
        var text = (string)metrics!;
        Assert.Contains("rqvae_collisions_total 2", text);
        Assert.Contains("rqvae_items_assigned_total{status=\"created\"} 3", text);
        Assert.Contains("rqvae_store_items{state=\"collided\"} 2", text);
    }

    [Fact]
    public async Task A_stored_item_resubmitted_with_drifted_features_keeps_its_ID_and_the_answer_reports_the_fresh_codes()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var (_, first, _) = await PostAsync(service.Client, "/items", Items(("m", fixture.Features[0])));
        var storedId = (string?)first!["results"]![0]!["id"];
        // Another item of another centre: its codes differ from the stored ones at one level or more.
        var other = Enumerable.Range(1, fixture.Features.Length - 1).First(r => !Encoded(fixture.Features[r]).SequenceEqual(Encoded(fixture.Features[0])));
        var fresh = Encoded(fixture.Features[other]);
        var stored = Encoded(fixture.Features[0]);

        var (_, second, _) = await PostAsync(service.Client, "/items", Items(("m", fixture.Features[other])));
        var result = second!["results"]![0]!;
        Assert.Equal("unchanged", (string?)result["status"]);
        Assert.Equal(storedId, (string?)result["id"]);
        Assert.Equal(fresh, Ints(result["drift"]!["fresh_codes"]));
        Assert.Equal(fresh.Zip(stored).Count(p => p.First != p.Second), (int)result["drift"]!["changed_levels"]!);
        var (_, lookup, _) = await GetAsync(service.Client, "/items/m");
        Assert.Equal(storedId, (string?)lookup!["id"]);
    }

    [Fact]
    public async Task Features_sent_as_base64_float32_are_the_same_floats_as_the_array_and_bad_ones_are_item_errors()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var features = fixture.Features[7];
        var bytes = new byte[features.Length * 4];
        for (var i = 0; i < features.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), features[i]);
        var nan = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(nan.AsSpan(8), float.NaN);
        var body = $$"""
            {"items":[
              {"item_id":"b64","features":"{{Convert.ToBase64String(bytes)}}"},
              {"item_id":"odd","features":"{{Convert.ToBase64String(bytes[..^1])}}"},
              {"item_id":"junk","features":"not base64!"},
              {"item_id":"nan","features":"{{Convert.ToBase64String(nan)}}"}
            ]}
            """;

        var (status, answer, _) = await PostAsync(service.Client, "/items", body);

        Assert.Equal(200, status);
        var results = answer!["results"]!.AsArray();
        Assert.Equal("created", (string?)results[0]!["status"]);
        Assert.Equal([.. Encoded(features), 0], Ints(results[0]!["codes"]));
        // The same floats as an array are the same item's features: resubmitting them under its id changes nothing.
        var (_, again, _) = await PostAsync(service.Client, "/items", Items(("b64", features)));
        Assert.Equal("unchanged", (string?)again!["results"]![0]!["status"]);
        Assert.Null(again["results"]![0]!["drift"]);
        (int Row, string Says)[] expected = [(1, "not a whole number of 4-byte float32 values"), (2, "not base64"), (3, "value 2 is NaN")];
        foreach (var (row, says) in expected)
        {
            Assert.Equal("error", (string?)results[row]!["status"]);
            Assert.Contains(says, (string?)results[row]!["error"]!["errors"]![$"items[{row}].features"]![0]);
        }
    }

    [Fact]
    public async Task Each_bad_item_is_an_error_naming_its_field_inside_a_successful_batch_and_the_good_items_are_stored()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var good = string.Join(',', fixture.Features[3].Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var body = $$"""
            {"items":[
              {"item_id":"ok","features":[{{good}}]},
              {"item_id":"short","features":[1,2,3]},
              {"item_id":"nan","features":["NaN",0,0,0,0,0,0,0]},
              {"item_id":"huge","features":[1e39,0,0,0,0,0,0,0]},
              {"features":[{{good}}]},
              {"item_id":"both","features":[{{good}}],"text":"hello"},
              {"item_id":"neither"},
              {"item_id":"empty","text":"  "},
              {"item_id":"text","text":"Toy Story"},
              null
            ]}
            """;
        var (status, answer, _) = await PostAsync(service.Client, "/items", body);
        Assert.Equal(200, status);
        var results = answer!["results"]!.AsArray();
        Assert.Equal("created", (string?)results[0]!["status"]);
        (int Row, string Field, string Says)[] expected =
        [
            (1, "items[1].features", "has 3 values; the model takes 8"),
            (2, "items[2].features", "value 0 is NaN"),
            (3, "items[3].features", "beyond the range of a 32-bit float"),
            (4, "items[4].item_id", "missing"),
            (5, "items[5]", "both"),
            (6, "items[6]", "neither"),
            (7, "items[7].text", "empty"),
            (8, "items[8].text", "not on MiniLM text embeddings"),
            (9, "items[9]", "is null"),
        ];
        foreach (var (row, field, says) in expected)
        {
            var result = results[row]!;
            Assert.Equal("error", (string?)result["status"]);
            Assert.Null(result["id"]);
            var error = result["error"]!;
            Assert.Equal(400, (int)error["status"]!);
            Assert.Contains(says, (string?)error["errors"]![field]![0]);
        }
        var (_, counts, _) = await GetAsync(service.Client, "/info");
        Assert.Equal(1, (long)counts!["items"]!);
    }

    [Fact]
    public async Task A_text_of_ten_megabytes_is_refused_with_the_limit_named()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var text = new string('a', 10 << 20);
        var (status, answer, _) = await PostAsync(service.Client, "/items", $$"""{"items":[{"item_id":"long","text":"{{text}}"}]}""");
        Assert.Equal(200, status);
        var error = answer!["results"]![0]!["error"]!;
        Assert.Contains($"is {10 << 20} characters; the limit is 10000", (string?)error["errors"]!["items[0].text"]![0]);
    }

    [Fact]
    public async Task Encode_gives_the_models_codes_and_stores_nothing()
    {
        using var dir = new TemporaryDirectory();
        await using var service = await InProcessService.StartAsync(fixture.Model, dir.File("store.db"));
        var (status, answer, _) = await PostAsync(service.Client, "/encode", Items(("e1", fixture.Features[7]), ("e2", [1, 2])));
        Assert.Equal(200, status);
        Assert.Equal(Encoded(fixture.Features[7]), Ints(answer!["results"]![0]!["codes"]));
        Assert.Equal("encoded", (string?)answer["results"]![0]!["status"]);
        Assert.Equal("error", (string?)answer["results"]![1]!["status"]);
        var (missing, _, _) = await GetAsync(service.Client, "/items/e1");
        Assert.Equal(404, missing);
    }
}
