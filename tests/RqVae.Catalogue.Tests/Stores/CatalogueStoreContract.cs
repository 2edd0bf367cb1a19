using RqVae.Catalogue.Stores;

namespace RqVae.Catalogue.Tests.Stores;

/// <summary>
/// What every catalogue store backend promises, with expectations worked by hand. A backend's test class derives from
/// this and says how to make a fresh, empty store location and how to write the old and newer schemas by hand.
/// </summary>
public abstract class CatalogueStoreContract
{
    /// <summary>The model of the tests: L = 3 codes of K = 8.</summary>
    protected static readonly CatalogueModel TestModel = new("sha256:AB12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12", 3, 8);

    /// <summary>A fresh location where no store exists yet (each call a new one).</summary>
    protected abstract Task<string> NewLocationAsync();

    /// <summary>Writes, at <paramref name="location"/>, a store of schema version 1 as the first release wrote it, holding item "old-1" with ID 1-2-3-0 and title "Old Film".</summary>
    protected abstract Task CreateVersion1StoreAsync(string location, string modelHash);

    /// <summary>Records schema version <paramref name="version"/> in the store's version table, as a newer program would.</summary>
    protected abstract Task RecordSchemaVersionAsync(string location, int version);

    /// <summary>A new empty store for <see cref="TestModel"/>.</summary>
    protected async Task<ICatalogueStore> NewStoreAsync() => await CatalogueStores.OpenAsync(await NewLocationAsync(), TestModel);

    private static NewCatalogueItem Item(string id, params int[] codes) => new(id, codes, "Title of " + id);

    [SkippableFact]
    public async Task Assigning_an_item_twice_returns_its_stored_id_unchanged_even_when_its_codes_drifted()
    {
        await using var store = await NewStoreAsync();
        var first = (await store.AssignAsync([Item("a", 1, 2, 3)])).Single();
        Assert.Equal(AssignStatus.Created, first.Status);
        Assert.Equal(new CatalogueId([1, 2, 3], 0), first.Item.Id);
        Assert.Equal("Title of a", first.Item.Title);
        Assert.Equal(CatalogueItemOrigin.Assigned, first.Item.Origin);

        var again = (await store.AssignAsync([new NewCatalogueItem("a", [4, 5, 6], "Another title")])).Single();
        Assert.Equal(AssignStatus.Unchanged, again.Status);
        // The stored codes come back, not the fresh ones: the caller compares them to report drift.
        Assert.Equal(new CatalogueId([1, 2, 3], 0), again.Item.Id);
        Assert.Equal("Title of a", again.Item.Title);
        Assert.Equal(first.Item.Sequence, again.Item.Sequence);
        Assert.Equal(new CatalogueId([1, 2, 3], 0), (await store.GetAsync("a"))!.Id);
        Assert.Null(await store.FindByIdAsync(new CatalogueId([4, 5, 6], 0)));
        Assert.Equal(new CatalogueCounts(1, 0, 0), await store.CountsAsync());
    }

    [SkippableFact]
    public async Task Items_sharing_codes_get_collision_codes_0_1_2_in_the_order_they_come()
    {
        await using var store = await NewStoreAsync();
        var batch = await store.AssignAsync([Item("a", 5, 5, 5), Item("b", 5, 5, 5), Item("other", 5, 5, 4), Item("c", 5, 5, 5), Item("a", 5, 5, 5)]);
        Assert.Equal([0, 1, 0, 2, 0], batch.Select(r => r.Item.Id.CollisionCode));
        Assert.Equal([AssignStatus.Created, AssignStatus.Created, AssignStatus.Created, AssignStatus.Created, AssignStatus.Unchanged], batch.Select(r => r.Status));
        var later = (await store.AssignAsync([Item("d", 5, 5, 5)])).Single();
        Assert.Equal(new CatalogueId([5, 5, 5], 3), later.Item.Id);
        Assert.Equal("b", (await store.FindByIdAsync(new CatalogueId([5, 5, 5], 1)))!.ItemId);
        // a, b, c, d, other: 5 items; b, c, d have collision codes above 0.
        Assert.Equal(new CatalogueCounts(5, 0, 3), await store.CountsAsync());
    }

    [SkippableFact]
    public async Task A_retired_items_id_is_never_given_to_another_item()
    {
        await using var store = await NewStoreAsync();
        await store.AssignAsync([Item("a", 2, 2, 2), Item("b", 2, 2, 2)]);
        var retired = await store.RetireAsync("b");
        Assert.NotNull(retired!.RetiredAt);
        Assert.Equal(new CatalogueId([2, 2, 2], 1), retired.Id);
        Assert.Null(await store.RetireAsync("never-stored"));

        var newcomer = (await store.AssignAsync([Item("c", 2, 2, 2)])).Single();
        Assert.Equal(new CatalogueId([2, 2, 2], 2), newcomer.Item.Id);
        var holder = await store.FindByIdAsync(new CatalogueId([2, 2, 2], 1));
        Assert.Equal("b", holder!.ItemId);
        Assert.True(holder.Retired);
        var back = (await store.AssignAsync([Item("b", 2, 2, 2)])).Single();
        Assert.Equal(AssignStatus.Retired, back.Status);
        Assert.Equal(new CatalogueId([2, 2, 2], 1), back.Item.Id);
        // Retiring again keeps the first retirement time.
        Assert.Equal(retired.RetiredAt, (await store.RetireAsync("b"))!.RetiredAt);
        Assert.Equal(new CatalogueCounts(3, 1, 2), await store.CountsAsync());
    }

    [SkippableFact]
    public async Task Browsing_in_pages_gives_every_item_once_in_id_order()
    {
        await using var store = await NewStoreAsync();
        var items = new List<NewCatalogueItem>();
        var random = new Random(7);
        for (var i = 0; i < 23; i++) items.Add(Item($"item-{i:D2}", random.Next(3), random.Next(8), random.Next(2)));
        var assigned = await store.AssignAsync(items);
        var expected = assigned.Select(r => r.Item.Id).Order().ToList();

        var seen = new List<CatalogueId>();
        CatalogueId? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.BrowseAsync([], cursor, 5);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(expected, seen);
        Assert.Equal(5, pages); // 23 items in pages of 5: 5, 5, 5, 5, 3.

        var underOne = await store.BrowseAsync([1], null, 100);
        Assert.Equal(expected.Where(id => id.Codes[0] == 1), underOne.Items.Select(i => i.Id));
        Assert.Null(underOne.Next);
    }

    [SkippableFact]
    public async Task Browsing_a_prefix_reads_exactly_the_items_under_it()
    {
        await using var store = await NewStoreAsync();
        await store.AssignAsync([Item("a", 1, 2, 3), Item("b", 1, 2, 7), Item("c", 1, 3, 0), Item("d", 0, 7, 7), Item("e", 2, 0, 0), Item("f", 1, 2, 3)]);
        Assert.Equal(["a", "f", "b"], (await store.BrowseAsync([1, 2], null, 10)).Items.Select(i => i.ItemId));
        Assert.Equal(["a", "f"], (await store.BrowseAsync([1, 2, 3], null, 10)).Items.Select(i => i.ItemId));
        var first = await store.BrowseAsync([1], null, 2);
        Assert.Equal(["a", "f"], first.Items.Select(i => i.ItemId));
        Assert.Equal(new CatalogueId([1, 2, 3], 1), first.Next);
        Assert.Equal(["b", "c"], (await store.BrowseAsync([1], first.Next, 2)).Items.Select(i => i.ItemId));
        Assert.Empty((await store.BrowseAsync([7], null, 10)).Items);
        await Assert.ThrowsAsync<ArgumentException>(() => store.BrowseAsync([1, 2, 3, 0], null, 10));
    }

    [SkippableFact]
    public async Task Children_count_the_items_under_each_next_code_with_a_few_titles()
    {
        await using var store = await NewStoreAsync();
        await store.AssignAsync([
            new NewCatalogueItem("a", [1, 2, 3], "Alpha"), new NewCatalogueItem("b", [1, 2, 7], "Beta"), new NewCatalogueItem("c", [1, 3, 0], "Gamma"),
            new NewCatalogueItem("d", [0, 7, 7], "Delta"), new NewCatalogueItem("e", [1, 2, 3], null), new NewCatalogueItem("f", [1, 2, 3], "Zeta"),
        ]);
        var top = await store.ChildrenAsync([]);
        Assert.Equal([(0, 1L), (1, 5L)], top.Select(c => (c.Code, c.Items)));
        Assert.Equal(["Delta"], top[0].Titles);
        // Titles in ID order: a (1-2-3-0), f (1-2-3-2; e has none), b (1-2-7-0); at most 3.
        Assert.Equal(["Alpha", "Zeta", "Beta"], top[1].Titles);

        var underOneTwo = await store.ChildrenAsync([1, 2], titlesPerChild: 1);
        Assert.Equal([(3, 3L), (7, 1L)], underOneTwo.Select(c => (c.Code, c.Items)));
        Assert.Equal(["Alpha"], underOneTwo[0].Titles);

        // Under all three codes the branches are the collision codes.
        var collisions = await store.ChildrenAsync([1, 2, 3]);
        Assert.Equal([(0, 1L), (1, 1L), (2, 1L)], collisions.Select(c => (c.Code, c.Items)));
        Assert.Equal([["Alpha"], [], ["Zeta"]], collisions.Select(c => c.Titles.ToArray()));
        Assert.Empty(await store.ChildrenAsync([6]));
    }

    [SkippableFact]
    public async Task Search_finds_items_by_id_or_title_ignoring_case_with_an_exact_id_first()
    {
        await using var store = await NewStoreAsync();
        await store.AssignAsync([
            new NewCatalogueItem("m-1", [3, 0, 0], "Toy Story (1995)"), new NewCatalogueItem("m-2", [1, 0, 0], "Story of Us"),
            new NewCatalogueItem("story", [5, 0, 0], "Heat"), new NewCatalogueItem("m-4", [0, 0, 0], "Jumanji"), new NewCatalogueItem("m-5", [0, 1, 0], null),
        ]);
        Assert.Equal(["story", "m-2", "m-1"], (await store.SearchAsync("story", 10)).Select(i => i.ItemId));
        Assert.Equal(["m-2", "m-1"], (await store.SearchAsync("STORY ", 10)).Select(i => i.ItemId));
        Assert.Equal(["m-4"], (await store.SearchAsync("JUMAN", 10)).Select(i => i.ItemId));
        Assert.Equal(["m-4", "m-5"], (await store.SearchAsync("M-", 2)).Select(i => i.ItemId));
        Assert.Empty(await store.SearchAsync("nothing like it", 10));
        Assert.Empty(await store.SearchAsync("", 10));
    }

    [SkippableFact]
    public async Task A_store_made_for_another_model_is_refused_naming_both_hashes()
    {
        var location = await NewLocationAsync();
        await (await CatalogueStores.OpenAsync(location, TestModel)).DisposeAsync();
        var other = TestModel with { ModelHash = "ffff0000" + new string('1', 56) };
        var refused = await Assert.ThrowsAsync<CatalogueModelMismatchException>(() => CatalogueStores.OpenAsync(location, other));
        Assert.Contains(TestModel.NormalizedHash, refused.Message);
        Assert.Contains(other.NormalizedHash, refused.Message);
        Assert.Contains("new store", refused.Message);
        Assert.Equal(TestModel.NormalizedHash, refused.Stored.NormalizedHash);
        var otherShape = await Assert.ThrowsAsync<CatalogueModelMismatchException>(() => CatalogueStores.OpenAsync(location, TestModel with { CodebookSize = 16 }));
        Assert.Contains("3 levels of 8 codes", otherShape.Message);

        // The same model, with its hash written another way, and no model at all (the recorded one is used) both open.
        await using var same = await CatalogueStores.OpenAsync(location, TestModel with { ModelHash = TestModel.NormalizedHash.ToUpperInvariant() });
        await using var recorded = await CatalogueStores.OpenAsync(location, null);
        Assert.Equal(TestModel.NormalizedHash, recorded.Model.ModelHash);
        Assert.Equal(3, recorded.Model.Levels);
        Assert.Equal(8, recorded.Model.CodebookSize);
    }

    [SkippableFact]
    public async Task Opening_a_missing_store_without_a_model_says_there_is_none()
    {
        var location = await NewLocationAsync();
        var missing = await Assert.ThrowsAsync<CatalogueStoreException>(() => CatalogueStores.OpenAsync(location, null));
        Assert.Contains("no catalogue store here yet", missing.Message);
    }

    [SkippableFact]
    public async Task A_store_with_a_newer_schema_version_is_refused_with_a_clear_message()
    {
        var location = await NewLocationAsync();
        await (await CatalogueStores.OpenAsync(location, TestModel)).DisposeAsync();
        await RecordSchemaVersionAsync(location, 99);
        var refused = await Assert.ThrowsAsync<CatalogueSchemaException>(() => CatalogueStores.OpenAsync(location, TestModel));
        Assert.Contains("schema version 99", refused.Message);
        Assert.Contains("Upgrade rqvae", refused.Message);
    }

    [SkippableFact]
    public async Task A_version_1_store_is_migrated_forward_and_keeps_its_items()
    {
        var location = await NewLocationAsync();
        await CreateVersion1StoreAsync(location, TestModel.NormalizedHash);
        await using (var store = await CatalogueStores.OpenAsync(location, TestModel))
        {
            Assert.Equal(2, store.SchemaVersion);
            var old = await store.GetAsync("old-1");
            Assert.Equal(new CatalogueId([1, 2, 3], 0), old!.Id);
            Assert.Equal("Old Film", old.Title);
            Assert.Equal(CatalogueItemOrigin.Assigned, old.Origin);
            var next = (await store.AssignAsync([Item("new-1", 1, 2, 3)])).Single();
            Assert.Equal(new CatalogueId([1, 2, 3], 1), next.Item.Id);
        }
        await using var reopened = await CatalogueStores.OpenAsync(location, TestModel);
        Assert.Equal(new CatalogueCounts(2, 0, 1), await reopened.CountsAsync());
    }

    [SkippableFact]
    public async Task Import_keeps_the_given_ids_and_refuses_a_conflicting_batch_whole()
    {
        await using var store = await NewStoreAsync();
        var imported = await store.ImportAsync([
            new ImportedCatalogueItem("x", new CatalogueId([4, 4, 4], 0)), new ImportedCatalogueItem("y", new CatalogueId([4, 4, 4], 5), "Why"),
        ]);
        Assert.Equal([AssignStatus.Created, AssignStatus.Created], imported.Select(r => r.Status));
        Assert.Equal(CatalogueItemOrigin.Imported, (await store.GetAsync("y"))!.Origin);
        Assert.Equal(new CatalogueId([4, 4, 4], 5), (await store.GetAsync("y"))!.Id);
        // The next assignment goes above the largest collision code in use (5), never into a gap.
        Assert.Equal(new CatalogueId([4, 4, 4], 6), (await store.AssignAsync([Item("z", 4, 4, 4)])).Single().Item.Id);
        Assert.Equal(AssignStatus.Unchanged, (await store.ImportAsync([new ImportedCatalogueItem("x", new CatalogueId([4, 4, 4], 0))])).Single().Status);

        var moved = await Assert.ThrowsAsync<CatalogueConflictException>(() => store.ImportAsync([
            new ImportedCatalogueItem("fresh", new CatalogueId([0, 0, 1], 0)), new ImportedCatalogueItem("x", new CatalogueId([4, 4, 3], 0)),
        ]));
        Assert.Equal("x", moved.ItemId);
        Assert.Contains("4-4-4-0", moved.Message);
        var taken = await Assert.ThrowsAsync<CatalogueConflictException>(() => store.ImportAsync([new ImportedCatalogueItem("w", new CatalogueId([4, 4, 4], 5))]));
        Assert.Contains("\"y\"", taken.Message);
        var twoIds = await Assert.ThrowsAsync<CatalogueConflictException>(() => store.ImportAsync([
            new ImportedCatalogueItem("fresh", new CatalogueId([0, 0, 1], 0)), new ImportedCatalogueItem("fresh", new CatalogueId([0, 0, 2], 0)),
        ]));
        Assert.Contains("given two IDs in one import", twoIds.Message);
        var oneId = await Assert.ThrowsAsync<CatalogueConflictException>(() => store.ImportAsync([
            new ImportedCatalogueItem("p", new CatalogueId([0, 0, 1], 0)), new ImportedCatalogueItem("q", new CatalogueId([0, 0, 1], 0)),
        ]));
        Assert.Contains("given to both \"p\" and \"q\"", oneId.Message);
        // None of the refused batches left anything behind.
        Assert.Null(await store.GetAsync("fresh"));
        Assert.Null(await store.GetAsync("p"));
        Assert.Equal(new CatalogueCounts(3, 0, 2), await store.CountsAsync());
    }

    [SkippableFact]
    public async Task Bad_items_are_refused_before_anything_is_stored()
    {
        await using var store = await NewStoreAsync();
        var tooShort = await Assert.ThrowsAsync<ArgumentException>(() => store.AssignAsync([Item("ok", 1, 1, 1), Item("short", 1, 1)]));
        Assert.Contains("2 codes given; the model encodes 3", tooShort.Message);
        var outside = await Assert.ThrowsAsync<ArgumentException>(() => store.AssignAsync([Item("big", 1, 8, 1)]));
        Assert.Contains("outside 0..7", outside.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => store.AssignAsync([Item("", 1, 1, 1)]));
        Assert.Equal(new CatalogueCounts(0, 0, 0), await store.CountsAsync());
        Assert.Empty(await store.AssignAsync([]));
    }

    [SkippableFact]
    public async Task Items_and_settings_survive_closing_and_reopening_the_store()
    {
        var location = await NewLocationAsync();
        await using (var store = await CatalogueStores.OpenAsync(location, TestModel))
        {
            await store.AssignAsync([Item("a", 7, 7, 7), Item("b", 7, 7, 7)]);
            await store.SetSettingAsync("export.levels", "4");
            await Assert.ThrowsAsync<ArgumentException>(() => store.SetSettingAsync("model.hash", "x"));
            Assert.True(await store.PingAsync());
        }
        await using var reopened = await CatalogueStores.OpenAsync(location, TestModel);
        Assert.Equal("4", await reopened.GetSettingAsync("export.levels"));
        Assert.Null(await reopened.GetSettingAsync("never.set"));
        var all = new List<CatalogueItem>();
        await foreach (var item in reopened.ReadAllAsync()) all.Add(item);
        Assert.Equal(["a", "b"], all.Select(i => i.ItemId));
        Assert.Equal([new CatalogueId([7, 7, 7], 0), new CatalogueId([7, 7, 7], 1)], all.Select(i => i.Id));
    }

    [SkippableFact]
    public async Task Concurrent_assigners_on_separate_instances_never_give_one_full_id_to_two_items()
    {
        var location = await NewLocationAsync();
        await (await CatalogueStores.OpenAsync(location, TestModel)).DisposeAsync();
        const int writers = 32;
        const int perWriter = 4;
        using var start = new Barrier(writers);
        // A thread of its own for each writer (SQLite's calls block), all released together once every store is open.
        // The open and the wait block that thread, not the pool's (which would starve the PostgreSQL writers).
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(async () =>
        {
            var opened = CatalogueStores.OpenAsync(location, TestModel).GetAwaiter().GetResult();
            start.SignalAndWait();
            await using var store = opened;
            var results = new List<AssignResult>();
            for (var i = 0; i < perWriter; i++)
                // Every writer's items collide on purpose; "shared-i" is submitted by every writer at once.
                results.AddRange(await store.AssignAsync([Item($"w{w}-{i}", 6, 1, 6), Item($"shared-{i}", 6, 1, 6)]));
            return results;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();

        await using var check = await CatalogueStores.OpenAsync(location, TestModel);
        var stored = new List<CatalogueItem>();
        await foreach (var item in check.ReadAllAsync()) stored.Add(item);
        // 32 × 4 own items and 4 shared ones, each stored once, with collision codes 0 … 131 and no gap or repeat.
        Assert.Equal(writers * perWriter + perWriter, stored.Count);
        Assert.Equal(stored.Count, stored.Select(i => i.ItemId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, stored.Count), stored.Select(i => i.Id.CollisionCode).Order());
        Assert.All(stored, i => Assert.Equal([6, 1, 6], i.Id.Codes));
        // Every answer any writer got is the ID the store holds: no item was told two IDs.
        var byItem = stored.ToDictionary(i => i.ItemId, i => i.Id);
        Assert.All(all, r => Assert.Equal(byItem[r.Item.ItemId], r.Item.Id));
        Assert.Equal(writers * perWriter + perWriter, all.Count(r => r.Status == AssignStatus.Created));
        Assert.Equal(writers * perWriter - perWriter, all.Count(r => r.Status == AssignStatus.Unchanged));
    }
}
