using Microsoft.Data.Sqlite;
using RqVae.Catalogue.Stores;
using RqVae.TestSupport;

namespace RqVae.Catalogue.Tests.Stores;

/// <summary>The store contract on SQLite files in a temporary folder, and what is particular to SQLite.</summary>
public sealed class SqliteCatalogueStoreTests : CatalogueStoreContract, IDisposable
{
    private readonly TemporaryDirectory folder = new("rqvae-catalogue-");
    private int files;

    /// <inheritdoc />
    protected override Task<string> NewLocationAsync() => Task.FromResult(folder.File($"store-{Interlocked.Increment(ref files)}.db"));

    /// <inheritdoc />
    protected override async Task CreateVersion1StoreAsync(string location, string modelHash)
    {
        await using var connection = new SqliteConnection($"Data Source={location};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // The schema as version 1 wrote it, spelled out here rather than taken from the store's code.
        command.CommandText = $"""
            CREATE TABLE catalogue_schema_versions (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
            CREATE TABLE catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE catalogue_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL UNIQUE, codes BLOB NOT NULL,
                collision INTEGER NOT NULL CHECK (collision >= 0), title TEXT, assigned_at TEXT NOT NULL, retired_at TEXT);
            CREATE UNIQUE INDEX catalogue_items_full_id ON catalogue_items (codes, collision);
            INSERT INTO catalogue_schema_versions VALUES (1, '2026-01-01T00:00:00.0000000+00:00');
            INSERT INTO catalogue_meta VALUES ('model.hash', '{modelHash}'), ('model.levels', '3'), ('model.codebook_size', '8');
            INSERT INTO catalogue_items (item_id, codes, collision, title, assigned_at) VALUES ('old-1', x'000000010000000200000003', 0, 'Old Film', '2026-01-01T00:00:00.0000000+00:00');
            """;
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    protected override async Task RecordSchemaVersionAsync(string location, int version)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={location};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO catalogue_schema_versions VALUES ({version}, '2030-01-01T00:00:00.0000000+00:00')";
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task The_file_is_created_on_first_open_in_write_ahead_logging_mode()
    {
        var path = folder.File("new/sub/catalogue.db");
        await using (var store = await CatalogueStores.OpenAsync(path, TestModel))
        {
            Assert.Equal(path, store.Location);
            await store.AssignAsync([new NewCatalogueItem("a", [1, 1, 1])]);
        }
        Assert.True(File.Exists(path));
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "SELECT value FROM catalogue_meta WHERE key = 'model.hash'";
        Assert.Equal(TestModel.NormalizedHash, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT hex(codes) || ':' || collision FROM catalogue_items";
        Assert.Equal("000000010000000100000001:0", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_or_holds_other_tables_is_refused()
    {
        var text = folder.Write("notes.db", "these are notes, not a database; " + new string('x', 200));
        var notDatabase = await Assert.ThrowsAsync<CatalogueSchemaException>(() => CatalogueStores.OpenAsync(text, TestModel));
        Assert.Contains("not an SQLite database", notDatabase.Message);
        Assert.Equal("these are notes, not a database; " + new string('x', 200), File.ReadAllText(text));

        var other = folder.File("other.db");
        await using (var connection = new SqliteConnection($"Data Source={other};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE invoices (id INTEGER)";
            await command.ExecuteNonQueryAsync();
        }
        var foreign = await Assert.ThrowsAsync<CatalogueSchemaException>(() => CatalogueStores.OpenAsync(other, TestModel));
        Assert.Contains("not a catalogue store", foreign.Message);
        Assert.Contains("invoices", foreign.Message);

        var isFolder = await Assert.ThrowsAsync<CatalogueStoreException>(() => CatalogueStores.OpenAsync(folder.Path, TestModel));
        Assert.Contains("this is a folder", isFolder.Message);
    }

    [Theory]
    [InlineData("catalogue.db", false)]
    [InlineData("/var/lib/rqvae/store.sqlite", false)]
    [InlineData("postgres://rqvae@db:5432/catalogue", true)]
    [InlineData("postgresql://db/catalogue", true)]
    [InlineData("Host=127.0.0.1;Port=55432;Database=x", true)]
    [InlineData("Database=x;Host=h", true)]
    [InlineData("weird=name.db", false)]
    public void A_path_is_sqlite_and_a_uri_or_connection_string_is_postgresql(string location, bool postgres)
        => Assert.Equal(postgres, CatalogueStores.IsPostgres(location));

    /// <summary>Releases the pooled connections so the folder can go.</summary>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        folder.Dispose();
    }
}
