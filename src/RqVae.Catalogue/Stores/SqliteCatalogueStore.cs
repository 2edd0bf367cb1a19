using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// The embedded catalogue store: one SQLite file, created on first open. Write-ahead logging lets readers go on
/// while one writer writes; <c>synchronous=FULL</c> makes every acknowledged write survive a power cut; writes take
/// the file's write lock when they begin (<c>BEGIN IMMEDIATE</c>), so two writers, in one process or several, never
/// both read the same next collision code; a writer waits for the lock up to <see cref="BusyTimeoutSeconds"/>.
/// </summary>
public sealed class SqliteCatalogueStore : SqlCatalogueStore
{
    /// <summary>How long a write waits for another writer to finish, in seconds.</summary>
    public const int BusyTimeoutSeconds = 30;

    private static readonly IReadOnlyList<IReadOnlyList<string>> Steps =
    [
        // 1: the version table, the meta table holding the model once, the items keyed by item id.
        [
            "CREATE TABLE catalogue_schema_versions (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            "CREATE TABLE catalogue_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE catalogue_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, item_id TEXT NOT NULL UNIQUE, codes BLOB NOT NULL, " +
            "collision INTEGER NOT NULL CHECK (collision >= 0), title TEXT, assigned_at TEXT NOT NULL, retired_at TEXT)",
            "CREATE UNIQUE INDEX catalogue_items_full_id ON catalogue_items (codes, collision)",
        ],
        // 2: how each item got its ID (items stored before were assigned: imports came with version 2).
        [
            "ALTER TABLE catalogue_items ADD COLUMN origin TEXT NOT NULL DEFAULT 'assigned'",
        ],
    ];

    private readonly string connectionString;

    private SqliteCatalogueStore(string path) : base(path)
        => connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();

    /// <summary>The newest schema version this program writes.</summary>
    public static int LatestSchemaVersion => Steps.Count;

    /// <summary>
    /// Opens the store in the file at <paramref name="path"/>; with <paramref name="model"/> a missing file (and its
    /// folder) is created for it. Prefer <see cref="CatalogueStores.OpenAsync"/>, which picks the backend.
    /// </summary>
    public static async Task<ICatalogueStore> OpenAsync(string path, CatalogueModel? model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CatalogueStoreException(full, "this is a folder; the SQLite store is a file. Name a file, e.g. catalogue.db inside it.");
        if (!File.Exists(full))
        {
            if (model is null) throw new CatalogueStoreException(full, "there is no catalogue store here yet. Check the --store path, or create the store by importing a table or starting the service with its model.");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        }
        var store = new SqliteCatalogueStore(full);
        await store.InitializeAsync(model, cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc />
    protected override IReadOnlyList<IReadOnlyList<string>> Migrations => Steps;

    /// <inheritdoc />
    protected override string PositionFunction => "instr";

    /// <inheritdoc />
    protected override bool SharesDatabase => false;

    /// <inheritdoc />
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();
            // WAL is kept in the file once set; synchronous and the busy timeout are per connection.
            pragmas.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(BusyTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture)};";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        // Not deferred: BEGIN IMMEDIATE takes the write lock now, before anything is read, so a second writer waits
        // instead of reading the same state and failing when it tries to write. (SQLite's calls are synchronous anyway.)
        => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

    /// <inheritdoc />
    protected override async Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) names.Add(reader.GetString(0));
        return names;
    }

    /// <inheritdoc />
    protected override object TimeToDb(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override DateTimeOffset TimeFromDb(DbDataReader reader, int ordinal)
        => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <inheritdoc />
    protected override CatalogueStoreException? Explain(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 26 } e => new CatalogueSchemaException(Location, "this file is not an SQLite database, so not a catalogue store. Name another --store file.", e),
        SqliteException { SqliteErrorCode: 11 } e => new CatalogueSchemaException(Location, "the SQLite file is damaged (database disk image is malformed). Restore it from a backup, or export what can be read and import it into a new store.", e),
        SqliteException { SqliteErrorCode: 5 or 6 } e => new CatalogueStoreException(Location, $"the store stayed locked by another writer for {BusyTimeoutSeconds} s. Try again; if it persists, look for a process holding the file.", e),
        SqliteException { SqliteErrorCode: 8 or 14 or 23 } e => new CatalogueStoreException(Location, $"cannot open or write the file ({e.Message}). Check the path and its permissions.", e),
        _ => null,
    };
}
