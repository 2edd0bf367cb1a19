using Npgsql;
using RqVae.Catalogue.Stores;

namespace RqVae.Catalogue.Tests.Stores;

/// <summary>
/// The store contract on PostgreSQL: the server RQVAE_TEST_POSTGRES names (scripts/setup.d/30-postgresql.sh starts
/// one and sets it), a fresh schema per store. Without the variable every test fails saying so; set it to "skip" to
/// skip them on purpose.
/// </summary>
public sealed class PostgresCatalogueStoreTests : CatalogueStoreContract, IDisposable
{
    private const string Variable = "RQVAE_TEST_POSTGRES";
    private readonly List<string> schemas = [];

    private static string Server()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        Skip.If(value == "skip", $"{Variable}=skip: the PostgreSQL store tests are skipped on purpose.");
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException($"{Variable} is not set, so the PostgreSQL store cannot be tested. Run the tests with scripts/test.sh, or `source scripts/setup.d/30-postgresql.sh` first (it starts a throwaway PostgreSQL on 127.0.0.1 and sets {Variable}); set {Variable}=skip to skip these tests.");
        return value;
    }

    /// <inheritdoc />
    protected override async Task<string> NewLocationAsync()
    {
        var server = Server();
        var schema = "rqvae_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        lock (schemas) schemas.Add(schema);
        return new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }

    /// <inheritdoc />
    protected override async Task CreateVersion1StoreAsync(string location, string modelHash)
    {
        await using var connection = new NpgsqlConnection(location);
        await connection.OpenAsync();
        // The schema as version 1 wrote it, spelled out here rather than taken from the store's code.
        await using var command = new NpgsqlCommand($"""
            CREATE TABLE catalogue_schema_versions (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE catalogue_items (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, codes BYTEA NOT NULL,
                collision INTEGER NOT NULL CHECK (collision >= 0), title TEXT, assigned_at TIMESTAMPTZ NOT NULL, retired_at TIMESTAMPTZ);
            CREATE UNIQUE INDEX catalogue_items_full_id ON catalogue_items (codes, collision);
            INSERT INTO catalogue_schema_versions VALUES (1, '2026-01-01T00:00:00Z');
            INSERT INTO catalogue_meta VALUES ('model.hash', '{modelHash}'), ('model.levels', '3'), ('model.codebook_size', '8');
            INSERT INTO catalogue_items (item_id, codes, collision, title, assigned_at) VALUES ('old-1', '\x000000010000000200000003', 0, 'Old Film', '2026-01-01T00:00:00Z');
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    protected override async Task RecordSchemaVersionAsync(string location, int version)
    {
        await using var connection = new NpgsqlConnection(location);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"INSERT INTO catalogue_schema_versions VALUES ({version}, now())", connection);
        await command.ExecuteNonQueryAsync();
    }

    [SkippableFact]
    public async Task A_postgres_uri_opens_the_same_store_as_its_connection_string()
    {
        var location = await NewLocationAsync();
        var builder = new NpgsqlConnectionStringBuilder(location);
        await using (var store = await CatalogueStores.OpenAsync(location, TestModel))
            await store.AssignAsync([new NewCatalogueItem("a", [1, 2, 3])]);
        var uri = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?search_path={builder.SearchPath}";
        await using var viaUri = await CatalogueStores.OpenAsync(uri, null);
        Assert.Equal(new CatalogueId([1, 2, 3], 0), (await viaUri.GetAsync("a"))!.Id);
        Assert.Equal($"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database} (schema {builder.SearchPath})", viaUri.Location);
    }

    [SkippableFact]
    public async Task An_unreachable_server_is_a_clear_error_and_a_failed_ping()
    {
        Server();
        var refused = await Assert.ThrowsAsync<CatalogueStoreException>(() => CatalogueStores.OpenAsync("Host=127.0.0.1;Port=1;Database=none;Timeout=2", TestModel));
        Assert.Contains("cannot reach the PostgreSQL server", refused.Message);
        Assert.Contains("127.0.0.1:1", refused.Message);
    }

    /// <summary>Drops the schemas the tests made.</summary>
    public void Dispose()
    {
        if (schemas.Count == 0) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable(Variable));
        connection.Open();
        foreach (var schema in schemas)
        {
            using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            command.ExecuteNonQuery();
        }
    }
}
