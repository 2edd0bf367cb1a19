using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// The catalogue store in a PostgreSQL database, for several service processes sharing one catalogue. Its tables
/// live in the connection's first schema (<c>Search Path</c> in the connection string; <c>public</c> by default).
/// Writers run in READ COMMITTED and first take transaction-scoped advisory locks over what they will read and
/// change (a few buckets covering the item ids and code keys of the batch, taken in ascending order so writers never
/// deadlock), so two writers never read the same next collision code; the unique indexes over item id and over
/// (codes, collision code) stand behind the locks, and a transaction the server aborts for a deadlock or
/// serialization failure is run again.
/// </summary>
public sealed class PostgresCatalogueStore : SqlCatalogueStore
{
    // Advisory lock keys (pg_advisory_xact_lock(int, int)): this class id, then a bucket.
    private const int LockClass = 0x52515641; // "RQVA"
    private const int SchemaLockBucket = -1;
    private const int LockBuckets = 64;

    private static readonly IReadOnlyList<IReadOnlyList<string>> Steps =
    [
        // 1: the version table, the meta table holding the model once, the items keyed by item id.
        [
            "CREATE TABLE catalogue_schema_versions (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)",
            "CREATE TABLE catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE catalogue_items (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, codes BYTEA NOT NULL, " +
            "collision INTEGER NOT NULL CHECK (collision >= 0), title TEXT, assigned_at TIMESTAMPTZ NOT NULL, retired_at TIMESTAMPTZ)",
            "CREATE UNIQUE INDEX catalogue_items_full_id ON catalogue_items (codes, collision)",
        ],
        // 2: how each item got its ID (items stored before were assigned: imports came with version 2).
        [
            "ALTER TABLE catalogue_items ADD COLUMN origin TEXT NOT NULL DEFAULT 'assigned'",
        ],
    ];

    private readonly NpgsqlDataSource dataSource;

    private PostgresCatalogueStore(string location, NpgsqlDataSource dataSource) : base(location) => this.dataSource = dataSource;

    /// <summary>The newest schema version this program writes.</summary>
    public static int LatestSchemaVersion => Steps.Count;

    /// <summary>
    /// Opens the store in the database <paramref name="location"/> names (a <c>postgres://user:password@host:port/database</c>
    /// URI or an Npgsql connection string); with <paramref name="model"/> its tables are created when missing.
    /// Prefer <see cref="CatalogueStores.OpenAsync"/>, which picks the backend.
    /// </summary>
    public static async Task<ICatalogueStore> OpenAsync(string location, CatalogueModel? model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ToConnectionString(location));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new CatalogueStoreException("PostgreSQL store", $"the connection string or URI is not valid ({e.Message}). Write it as postgres://user@host:port/database or Host=…;Database=…", e);
        }
        var shown = Describe(builder);
        var store = new PostgresCatalogueStore(shown, NpgsqlDataSource.Create(builder));
        try
        {
            await store.InitializeAsync(model, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An Npgsql connection string from a <c>postgres://</c> or <c>postgresql://</c> URI (query parameters become keys); any other text is returned as it is.</summary>
    internal static string ToConnectionString(string location)
    {
        var text = location.Trim();
        if (!text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return text;
        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0]).Replace('_', ' ')] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }

    private static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        var text = $"postgresql://{(builder.Username is { Length: > 0 } user ? user + "@" : "")}{builder.Host}:{builder.Port.ToString(CultureInfo.InvariantCulture)}/{builder.Database}";
        return builder.SearchPath is { Length: > 0 } path ? $"{text} (schema {path})" : text;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<IReadOnlyList<string>> Migrations => Steps;

    /// <inheritdoc />
    protected override string PositionFunction => "strpos";

    /// <inheritdoc />
    protected override bool SharesDatabase => true;

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        => await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => await ((NpgsqlConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Two processes opening an empty database at once: one creates the tables, the other waits and sees them.
        await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@c, @b)", ("@c", LockClass), ("@b", SchemaLockBucket));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task LockItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> itemIds, IReadOnlyList<byte[]> codeKeys, CancellationToken cancellationToken)
    {
        // An assignment reads "is this item stored?" and "what is the largest collision code of these codes?" and
        // then writes: a writer holding the buckets of both has them to itself until it commits. Read committed takes
        // a fresh snapshot per statement, so what it reads after the lock includes everything committed before.
        var buckets = new SortedSet<int>();
        foreach (var id in itemIds) buckets.Add(Bucket(System.Text.Encoding.UTF8.GetBytes(id), 0x69));
        foreach (var key in codeKeys) buckets.Add(Bucket(key, 0x63));
        // One statement per bucket, in ascending order (the order of locks taken inside one query is not
        // guaranteed), all sent in one round trip.
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var bucket in buckets)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1, $2)") { Parameters = { new() { Value = LockClass }, new() { Value = bucket } } });
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The batch primitives, each one statement over arrays: a round trip to the server costs far more than
    // the work of one row.

    /// <inheritdoc />
    protected override async Task<Dictionary<string, CatalogueItem>> FindItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {ItemColumns} FROM catalogue_items WHERE item_id = ANY(@i)");
        command.Parameters.Add(new NpgsqlParameter("@i", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = itemIds.ToArray() });
        return (await ReadManyAsync(command, cancellationToken).ConfigureAwait(false)).ToDictionary(i => i.ItemId, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    protected override async Task<Dictionary<string, int>> LargestCollisionCodesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var largest = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, "SELECT codes, MAX(collision) FROM catalogue_items WHERE codes = ANY(@c) GROUP BY codes");
        command.Parameters.Add(new NpgsqlParameter("@c", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = keys.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            largest[Convert.ToHexString((byte[])reader.GetValue(0))] = reader.GetInt32(1);
        return largest;
    }

    /// <inheritdoc />
    protected override async Task<Dictionary<CatalogueId, CatalogueItem>> FindByIdsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(byte[] Key, int Collision)> ids, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            $"SELECT {ItemColumns} FROM catalogue_items WHERE (codes, collision) IN (SELECT * FROM unnest(@c, @k))");
        command.Parameters.Add(new NpgsqlParameter("@c", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = ids.Select(i => i.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("@k", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = ids.Select(i => i.Collision).ToArray() });
        return (await ReadManyAsync(command, cancellationToken).ConfigureAwait(false)).ToDictionary(i => i.Id);
    }

    /// <inheritdoc />
    protected override async Task<Dictionary<string, CatalogueItem>> InsertItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewRow> rows, CancellationToken cancellationToken)
    {
        var inserted = new Dictionary<string, CatalogueItem>(StringComparer.Ordinal);
        if (rows.Count == 0) return inserted;
        // Rows enter in the arrays' order, so their sequence numbers follow the batch.
        await using var command = Command(connection, transaction,
            "INSERT INTO catalogue_items (item_id, codes, collision, title, origin, assigned_at) " +
            "SELECT i, c, k, t, o, @a FROM unnest(@i, @c, @k, @t, @o) WITH ORDINALITY AS r(i, c, k, t, o, n) ORDER BY n " +
            "ON CONFLICT (item_id) DO NOTHING RETURNING item_id, seq", ("@a", TimeToDb(rows[0].AssignedAt)));
        command.Parameters.Add(new NpgsqlParameter("@i", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.ItemId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("@c", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = rows.Select(r => r.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("@k", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.Collision).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("@t", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Title).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("@o", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => OriginName(r.Origin)).ToArray() });
        var byId = rows.ToDictionary(r => r.ItemId, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            inserted[id] = Inserted(byId[id], reader.GetInt64(1));
        }
        return inserted;
    }

    private static int Bucket(byte[] bytes, byte kind)
    {
        // FNV-1a: stable across processes and versions (string.GetHashCode is randomized per process).
        var hash = 2166136261u;
        hash = (hash ^ kind) * 16777619u;
        foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        return (int)(hash % LockBuckets);
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) names.Add(reader.GetString(0));
        return names;
    }

    /// <inheritdoc />
    protected override object TimeToDb(DateTimeOffset time) => time.ToUniversalTime();

    /// <inheritdoc />
    protected override DateTimeOffset TimeFromDb(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception)
        => exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <inheritdoc />
    protected override CatalogueStoreException? Explain(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } e => new CatalogueStoreException(Location, $"the database does not exist ({e.MessageText}). Create it (createdb) or name another one.", e),
        PostgresException { SqlState: PostgresErrorCodes.InvalidSchemaName } e => new CatalogueStoreException(Location, $"the schema does not exist ({e.MessageText}). Create it, or drop Search Path from the connection string.", e),
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } e => new CatalogueStoreException(Location, $"the server refused the login ({e.MessageText}). Check the user and password.", e),
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } e => new CatalogueStoreException(Location, $"the user may not do this ({e.MessageText}). Grant it the rights on the catalogue's tables.", e),
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or TimeoutException or IOException } e => new CatalogueStoreException(Location, $"cannot reach the PostgreSQL server ({e.InnerException!.Message}). Check that it runs and the host and port.", e),
        _ => null,
    };

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await dataSource.DisposeAsync().ConfigureAwait(false);
}
