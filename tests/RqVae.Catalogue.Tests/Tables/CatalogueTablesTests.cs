using Microsoft.Data.Sqlite;
using RqVae.Catalogue.Stores;
using RqVae.Catalogue.Tables;
using RqVae.Data.Errors;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;
using RqVae.TestSupport;

namespace RqVae.Catalogue.Tests.Tables;

/// <summary>ID tables into a store and back, on hand-written tables of a model with L = 2 codes of K = 4.</summary>
public sealed class CatalogueTablesTests : IDisposable
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly CatalogueModel Model = new(Hash, 2, 4);
    private readonly TemporaryDirectory dir = new("rqvae-catalogue-tables-");

    // As `encode --unique` writes it: rows in input order, the last column numbering items that share c0, c1.
    private static SemanticIdTable UniqueTable() => new(["m3", "m1", "m7", "m2", "m9"], [1, 2, 0, 0, 3, 0, 1, 2, 1, 3, 3, 0, 1, 2, 2], 3, Hash);

    [Fact]
    public async Task A_table_with_the_extra_code_comes_back_byte_for_byte_after_import_and_export()
    {
        var original = dir.File("ids.csv");
        SemanticIdTableWriter.Write(original, UniqueTable());
        await using var store = await CatalogueStores.OpenAsync(dir.File("store.db"), Model);
        var report = await CatalogueTables.ImportAsync(store, SemanticIdTableReader.Read(original), original);
        Assert.Equal(new CatalogueImportReport(5, 5, 0, 3), report);
        Assert.Equal(new CatalogueId([1, 2], 2), (await store.GetAsync("m9"))!.Id);
        Assert.Equal(new CatalogueId([3, 3], 0), (await store.GetAsync("m2"))!.Id);

        var exported = dir.File("back.csv");
        Assert.Equal(5, await CatalogueTables.ExportAsync(store, exported));
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(exported));
        Assert.Equal(File.ReadAllText(IdTableMetadata.SidecarPath(original)), File.ReadAllText(IdTableMetadata.SidecarPath(exported)));
        Assert.StartsWith("item_id,c0,c1,c2\nm3,1,2,0\n", File.ReadAllText(exported).ReplaceLineEndings("\n"));

        // Importing the same table again changes nothing.
        Assert.Equal(new CatalogueImportReport(5, 0, 5, 3), await CatalogueTables.ImportAsync(store, SemanticIdTableReader.Read(original), original));
    }

    [Fact]
    public async Task Titles_given_to_the_import_are_stored_with_their_items_and_the_others_get_none()
    {
        await using var store = await CatalogueStores.OpenAsync(dir.File("store.db"), Model);
        var titles = new Dictionary<string, string> { ["m3"] = "Toy Story (1995)", ["m9"] = "Heat (1995)", ["elsewhere"] = "not in the table" };

        await CatalogueTables.ImportAsync(store, UniqueTable(), "ids.csv", titles);

        Assert.Equal("Toy Story (1995)", (await store.GetAsync("m3"))!.Title);
        Assert.Equal("Heat (1995)", (await store.GetAsync("m9"))!.Title);
        Assert.Null((await store.GetAsync("m1"))!.Title);
        Assert.Null(await store.GetAsync("elsewhere"));
    }

    [Fact]
    public async Task Items_assigned_after_the_import_are_exported_after_it_with_their_collision_codes()
    {
        var original = dir.File("ids.parquet");
        SemanticIdTableWriter.Write(original, UniqueTable());
        await using var store = await CatalogueStores.OpenAsync(dir.File("store.db"), Model);
        await CatalogueTables.ImportAsync(store, SemanticIdTableReader.Read(original), original);
        // 1-2 holds collision codes 0, 1, 2 (m3, m7, m9): the newcomer gets 3.
        await store.AssignAsync([new NewCatalogueItem("new", [1, 2])]);
        var exported = dir.File("back.parquet");
        await CatalogueTables.ExportAsync(store, exported);
        var back = SemanticIdTableReader.Read(exported);
        Assert.Equal(["m3", "m1", "m7", "m2", "m9", "new"], back.ItemIds);
        Assert.Equal([1, 2, 0, 0, 3, 0, 1, 2, 1, 3, 3, 0, 1, 2, 2, 1, 2, 3], back.Codes.ToArray());
        Assert.Equal(Hash, back.ModelHash);
    }

    [Fact]
    public async Task A_table_without_the_extra_code_gets_collision_code_0_and_is_exported_without_it()
    {
        var original = dir.File("ids.tsv");
        SemanticIdTableWriter.Write(original, new SemanticIdTable(["a", "b", "c"], [0, 1, 2, 3, 0, 2], 2, Hash));
        await using var store = await CatalogueStores.OpenAsync(dir.File("store.db"), Model);
        Assert.Equal(new CatalogueImportReport(3, 3, 0, 2), await CatalogueTables.ImportAsync(store, SemanticIdTableReader.Read(original), original));
        Assert.Equal(new CatalogueId([2, 3], 0), (await store.GetAsync("b"))!.Id);
        var exported = dir.File("back.tsv");
        await CatalogueTables.ExportAsync(store, exported);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(exported));

        // A newcomer sharing b's codes needs collision code 1, which such a table cannot hold: export says so and writes nothing.
        await store.AssignAsync([new NewCatalogueItem("d", [2, 3])]);
        var refused = await Assert.ThrowsAsync<CatalogueStoreException>(() => CatalogueTables.ExportAsync(store, dir.File("again.tsv")));
        Assert.Contains("item \"d\" has ID 2-3-1", refused.Message);
        Assert.False(File.Exists(dir.File("again.tsv")));
        // And a table of the other width cannot join this store.
        var wide = dir.File("wide.csv");
        SemanticIdTableWriter.Write(wide, UniqueTable());
        var mixed = await Assert.ThrowsAsync<DataFormatException>(() => CatalogueTables.ImportAsync(store, SemanticIdTableReader.Read(wide), wide));
        Assert.Contains("earlier import of 2 codes per item and this table has 3", mixed.Message);
    }

    [Fact]
    public async Task Tables_that_cannot_be_this_models_are_refused_naming_the_row_and_column()
    {
        await using var store = await CatalogueStores.OpenAsync(dir.File("store.db"), Model);
        var narrow = new SemanticIdTable(["a"], [1], 1, Hash);
        var width = await Assert.ThrowsAsync<DataFormatException>(() => CatalogueTables.ImportAsync(store, narrow, "narrow.csv"));
        Assert.Contains("1 codes per item, but the store's model encodes 2", width.Message);

        var outside = new SemanticIdTable(["a", "b"], [1, 1, 0, 2, 4, 0], 3, Hash);
        var code = await Assert.ThrowsAsync<DataFormatException>(() => CatalogueTables.ImportAsync(store, outside, "outside.csv"));
        Assert.Equal(2, code.Row);
        Assert.Equal("c1", code.Column);
        Assert.Contains("code 4 is outside the model's codebook (0..3)", code.Message);

        var shared = new SemanticIdTable(["a", "b", "c"], [1, 1, 2, 2, 1, 1], 2, Hash);
        var duplicate = await Assert.ThrowsAsync<DataFormatException>(() => CatalogueTables.ImportAsync(store, shared, "shared.csv"));
        Assert.Contains("rows 1 and 3 share ID 1-1", duplicate.Message);
        Assert.Contains("--unique", duplicate.Message);
        Assert.Equal(new CatalogueCounts(0, 0, 0), await store.CountsAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Dispose();
    }
}
