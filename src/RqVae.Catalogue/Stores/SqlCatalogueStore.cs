using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace RqVae.Catalogue.Stores;

/// <summary>
/// What the SQL backends share: the schema's shape (a version table, a meta table holding the model once, the items
/// keyed by item id with a unique index over codes and collision code), opening with forward migrations, and every
/// query. A backend supplies its connections, how a write transaction starts and what it locks, its migration steps,
/// and how it stores times. Every operation takes a connection from the backend's pool, so an instance serves many
/// threads at once.
/// </summary>
public abstract class SqlCatalogueStore : ICatalogueStore
{
    private const string Columns = "seq, item_id, codes, collision, title, origin, assigned_at, retired_at";
    private const string ModelHashKey = "model.hash";
    private const string ModelLevelsKey = "model.levels";
    private const string ModelCodebookSizeKey = "model.codebook_size";
    private const string CreatedAtKey = "schema.created_at";
    private const int TransientRetries = 5;

    /// <summary>Creates the store at <paramref name="location"/> (as <see cref="Location"/> shows it); call <see cref="InitializeAsync"/> before use.</summary>
    protected SqlCatalogueStore(string location) => Location = location;

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public CatalogueModel Model { get; private set; } = null!;

    /// <inheritdoc />
    public int SchemaVersion { get; private set; }

    /// <summary>The migration steps: entry v − 1 takes the schema from version v − 1 to v (statements run in order in one transaction).</summary>
    protected abstract IReadOnlyList<IReadOnlyList<string>> Migrations { get; }

    /// <summary>The function giving the position of a substring (1-based, 0 when absent): instr(haystack, needle) or strpos(haystack, needle).</summary>
    protected abstract string PositionFunction { get; }

    /// <summary>Whether the store may share its database (schema) with tables that are not its own.</summary>
    protected abstract bool SharesDatabase { get; }

    /// <summary>A new open connection, set up for this store.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Starts a transaction that will write: it must keep other writers out of what it reads and changes.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Locks, inside <paramref name="transaction"/>, what an assignment of these items reads and changes (no-op where the write transaction already excludes other writers).</summary>
    protected virtual Task LockItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> itemIds, IReadOnlyList<byte[]> codeKeys, CancellationToken cancellationToken)
        => Task.CompletedTask;

    /// <summary>Locks, inside <paramref name="transaction"/>, the schema while it is checked and migrated.</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The names of the tables in the store's database (schema).</summary>
    protected abstract Task<IReadOnlySet<string>> TablesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>A time as the backend stores it.</summary>
    protected abstract object TimeToDb(DateTimeOffset time);

    /// <summary>A stored time.</summary>
    protected abstract DateTimeOffset TimeFromDb(DbDataReader reader, int ordinal);

    /// <summary>Whether a failed transaction may simply be run again (a deadlock or serialization failure the server resolved by aborting it).</summary>
    protected virtual bool IsTransient(Exception exception) => false;

    /// <summary>Turns a failure to reach or read the store into a <see cref="CatalogueStoreException"/> saying what to do, or null to let it pass.</summary>
    protected virtual CatalogueStoreException? Explain(Exception exception) => null;

    /// <summary>Checks the schema, applies forward migrations, creates the store for <paramref name="model"/> when it is empty, and checks the model.</summary>
    protected async Task InitializeAsync(CatalogueModel? model, CancellationToken cancellationToken)
    {
        try
        {
            await InitializeCoreAsync(model, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    private async Task InitializeCoreAsync(CatalogueModel? model, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await LockSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var tables = await TablesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var latest = Migrations.Count;
        int version;
        if (!tables.Contains("catalogue_schema_versions"))
        {
            var ours = tables.Where(t => t.StartsWith("catalogue_", StringComparison.Ordinal)).ToArray();
            if (ours.Length > 0 || (!SharesDatabase && tables.Count > 0))
                throw new CatalogueSchemaException(Location, $"this is not a catalogue store: it holds tables ({string.Join(", ", tables.Order(StringComparer.Ordinal).Take(5))}) but no catalogue_schema_versions. Give the catalogue its own --store.");
            if (model is null)
                throw new CatalogueStoreException(Location, "there is no catalogue store here yet. Check the --store location, or create the store by importing a table or starting the service with its model.");
            version = 0;
        }
        else
        {
            await using var command = Command(connection, transaction, "SELECT MAX(version) FROM catalogue_schema_versions");
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            version = value is null or DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
            if (version > latest)
                throw new CatalogueSchemaException(Location, $"the store has schema version {version}, newer than this program knows ({latest}); it was written by a newer rqvae. Upgrade rqvae to use it.");
        }
        for (var step = version + 1; step <= latest; step++)
        {
            foreach (var sql in Migrations[step - 1])
            {
                await using var migrate = Command(connection, transaction, sql);
                await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using var record = Command(connection, transaction, "INSERT INTO catalogue_schema_versions (version, applied_at) VALUES (@v, @t)",
                ("@v", step), ("@t", TimeToDb(DateTimeOffset.UtcNow)));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (version == 0)
        {
            var created = model!.Validate();
            await SetMetaAsync(connection, transaction, ModelHashKey, created.NormalizedHash, cancellationToken).ConfigureAwait(false);
            await SetMetaAsync(connection, transaction, ModelLevelsKey, created.Levels.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await SetMetaAsync(connection, transaction, ModelCodebookSizeKey, created.CodebookSize.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            await SetMetaAsync(connection, transaction, CreatedAtKey, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        }
        var stored = await ReadModelAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (model is not null && (stored.NormalizedHash != model.NormalizedHash || stored.Levels != model.Levels || stored.CodebookSize != model.CodebookSize))
            throw new CatalogueModelMismatchException(Location, stored, model);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Model = stored;
        SchemaVersion = latest;
    }

    private async Task<CatalogueModel> ReadModelAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var hash = await GetMetaAsync(connection, transaction, ModelHashKey, cancellationToken).ConfigureAwait(false);
        var levels = await GetMetaAsync(connection, transaction, ModelLevelsKey, cancellationToken).ConfigureAwait(false);
        var size = await GetMetaAsync(connection, transaction, ModelCodebookSizeKey, cancellationToken).ConfigureAwait(false);
        if (hash is null || !int.TryParse(levels, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l < 1
            || !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1)
            throw new CatalogueSchemaException(Location, "the store does not record its model (model.hash, model.levels and model.codebook_size in catalogue_meta); it was damaged or not made by rqvae. Make a new store and import the items again.");
        return new CatalogueModel(hash, l, k);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AssignResult>> AssignAsync(IReadOnlyList<NewCatalogueItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"Item {i} is null.", nameof(items));
            if (string.IsNullOrEmpty(item.ItemId)) throw new ArgumentException($"Item {i} has an empty item id.", nameof(items));
            if (Model.CheckCodes(item.Codes) is { } problem) throw new ArgumentException($"Item {i} (\"{item.ItemId}\"): {problem}.", nameof(items));
        }
        return WriteAsync(items.Select(i => i.ItemId).ToArray(), items.Select(i => CodeKeys.Encode(i.Codes)).ToArray(),
            (connection, transaction, keys, token) => AssignCoreAsync(connection, transaction, items, keys, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AssignResult>> ImportAsync(IReadOnlyList<ImportedCatalogueItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"Item {i} is null.", nameof(items));
            if (string.IsNullOrEmpty(item.ItemId)) throw new ArgumentException($"Item {i} has an empty item id.", nameof(items));
            ArgumentNullException.ThrowIfNull(item.Id);
            if (Model.CheckCodes(item.Id.Codes) is { } problem) throw new ArgumentException($"Item {i} (\"{item.ItemId}\"): {problem}.", nameof(items));
        }
        return WriteAsync(items.Select(i => i.ItemId).ToArray(), items.Select(i => CodeKeys.Encode(i.Id.Codes)).ToArray(),
            (connection, transaction, keys, token) => ImportCoreAsync(connection, transaction, items, keys, token), cancellationToken);
    }

    private async Task<IReadOnlyList<AssignResult>> WriteAsync(string[] itemIds, byte[][] keys,
        Func<DbConnection, DbTransaction, byte[][], CancellationToken, Task<IReadOnlyList<AssignResult>>> body, CancellationToken cancellationToken)
    {
        if (itemIds.Length == 0) return [];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                await LockItemsAsync(connection, transaction, itemIds, keys, cancellationToken).ConfigureAwait(false);
                var results = await body(connection, transaction, keys, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return results;
            }
            catch (Exception e) when (attempt < TransientRetries && IsTransient(e))
            {
                await Task.Delay(10 * attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Explain(e) is { } explained)
            {
                throw explained;
            }
        }
    }

    private async Task<IReadOnlyList<AssignResult>> AssignCoreAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewCatalogueItem> items, byte[][] keys, CancellationToken cancellationToken)
    {
        // Three reads and one write per batch, whatever its size: the stored items among the batch, the largest
        // collision code of each of its code keys, then the inserts (a backend may do each in one round trip).
        var stored = await FindItemsAsync(connection, transaction, items.Select(i => i.ItemId).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
        var distinctKeys = keys.DistinctBy(Convert.ToHexString).ToArray();
        var largest = await LargestCollisionCodesAsync(connection, transaction, distinctKeys, cancellationToken).ConfigureAwait(false);
        var next = distinctKeys.ToDictionary(Convert.ToHexString, k => largest.TryGetValue(Convert.ToHexString(k), out var max) ? max + 1 : 0);
        var now = DateTimeOffset.UtcNow;
        var planned = new Dictionary<string, NewRow>(StringComparer.Ordinal);
        var rows = new List<NewRow>();
        for (var i = 0; i < items.Count; i++)
        {
            if (stored.ContainsKey(items[i].ItemId) || planned.ContainsKey(items[i].ItemId)) continue;
            var hex = Convert.ToHexString(keys[i]);
            // One above the largest ever given (retired items keep theirs), so no collision code is given twice.
            var row = new NewRow(items[i].ItemId, keys[i], next[hex]++, items[i].Title, CatalogueItemOrigin.Assigned, now);
            planned.Add(row.ItemId, row);
            rows.Add(row);
        }
        var inserted = await InsertItemsAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
        var lost = rows.Where(r => !inserted.ContainsKey(r.ItemId)).Select(r => r.ItemId).ToArray();
        if (lost.Length > 0)
        {
            // Another writer stored these items since they were looked up: their IDs stand.
            foreach (var (id, item) in await FindItemsAsync(connection, transaction, lost, cancellationToken).ConfigureAwait(false)) stored[id] = item;
        }
        var results = new AssignResult[items.Count];
        var created = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var id = items[i].ItemId;
            if (inserted.TryGetValue(id, out var mine))
                results[i] = new AssignResult(mine, created.Add(id) ? AssignStatus.Created : AssignStatus.Unchanged);
            else if (stored.TryGetValue(id, out var theirs))
                results[i] = new AssignResult(theirs, theirs.Retired ? AssignStatus.Retired : AssignStatus.Unchanged);
            else
                throw new InvalidOperationException($"Item \"{id}\" was neither inserted nor found.");
        }
        return results;
    }

    private async Task<IReadOnlyList<AssignResult>> ImportCoreAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ImportedCatalogueItem> items, byte[][] keys, CancellationToken cancellationToken)
    {
        var duplicate = items.GroupBy(i => i.ItemId, StringComparer.Ordinal).FirstOrDefault(g => g.Skip(1).Any(i => !i.Id.Equals(g.First().Id)));
        if (duplicate is not null)
            throw new CatalogueConflictException(Location, duplicate.Key, $"item \"{duplicate.Key}\" is given two IDs in one import. Nothing was imported.");
        var stored = await FindItemsAsync(connection, transaction, items.Select(i => i.ItemId).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
        var fresh = new List<int>();
        var claimed = new Dictionary<CatalogueId, string>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (stored.TryGetValue(item.ItemId, out var existing))
            {
                if (!existing.Id.Equals(item.Id))
                    throw new CatalogueConflictException(Location, item.ItemId, $"item \"{item.ItemId}\" is stored with ID {existing.Id}, and the import gives it {item.Id}; an item keeps the ID it was given. Nothing was imported.");
                continue;
            }
            if (claimed.TryGetValue(item.Id, out var other))
            {
                if (other == item.ItemId) continue;
                throw new CatalogueConflictException(Location, item.ItemId, $"ID {item.Id} is given to both \"{other}\" and \"{item.ItemId}\" in one import. Nothing was imported.");
            }
            claimed.Add(item.Id, item.ItemId);
            fresh.Add(i);
        }
        var holders = await FindByIdsAsync(connection, transaction, fresh.Select(i => (keys[i], items[i].Id.CollisionCode)).ToArray(), cancellationToken).ConfigureAwait(false);
        foreach (var i in fresh)
            if (holders.TryGetValue(items[i].Id, out var holder))
                throw new CatalogueConflictException(Location, items[i].ItemId, $"ID {items[i].Id} of item \"{items[i].ItemId}\" already belongs to item \"{holder.ItemId}\"{(holder.Retired ? " (retired; its ID is never given again)" : "")}. Nothing was imported.");
        var now = DateTimeOffset.UtcNow;
        var rows = fresh.Select(i => new NewRow(items[i].ItemId, keys[i], items[i].Id.CollisionCode, items[i].Title, CatalogueItemOrigin.Imported, now)).ToList();
        var inserted = await InsertItemsAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
        if (rows.FirstOrDefault(r => !inserted.ContainsKey(r.ItemId)) is { } raced)
            throw new CatalogueConflictException(Location, raced.ItemId, $"item \"{raced.ItemId}\" was stored by another writer during the import. Run the import again.");
        var results = new AssignResult[items.Count];
        var created = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var id = items[i].ItemId;
            results[i] = inserted.TryGetValue(id, out var mine)
                ? new AssignResult(mine, created.Add(id) ? AssignStatus.Created : AssignStatus.Unchanged)
                : new AssignResult(stored[id], stored[id].Retired ? AssignStatus.Retired : AssignStatus.Unchanged);
        }
        return results;
    }

    /// <summary>An item about to be inserted.</summary>
    /// <param name="ItemId">Its id.</param>
    /// <param name="Key">Its code key (see the class remarks: big-endian 4-byte codes).</param>
    /// <param name="Collision">Its collision code.</param>
    /// <param name="Title">Its title, or null.</param>
    /// <param name="Origin">How it got its ID.</param>
    /// <param name="AssignedAt">Now.</param>
    protected sealed record NewRow(string ItemId, byte[] Key, int Collision, string? Title, CatalogueItemOrigin Origin, DateTimeOffset AssignedAt);

    /// <summary>The stored items among <paramref name="itemIds"/> (distinct), by id. By default one query per id (cheap in process).</summary>
    protected virtual async Task<Dictionary<string, CatalogueItem>> FindItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> itemIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, CatalogueItem>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM catalogue_items WHERE item_id = @i", ("@i", ""));
        foreach (var id in itemIds)
        {
            command.Parameters[0].Value = id;
            if (await ReadOneAsync(command, cancellationToken).ConfigureAwait(false) is { } item) found[id] = item;
        }
        return found;
    }

    /// <summary>The largest collision code stored for each of <paramref name="keys"/> (distinct) that has any, by the key in hex.</summary>
    protected virtual async Task<Dictionary<string, int>> LargestCollisionCodesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<byte[]> keys, CancellationToken cancellationToken)
    {
        var largest = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var command = Command(connection, transaction, "SELECT MAX(collision) FROM catalogue_items WHERE codes = @c", ("@c", Array.Empty<byte>()));
        foreach (var key in keys)
        {
            command.Parameters[0].Value = key;
            var max = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (max is not null and not DBNull) largest[Convert.ToHexString(key)] = Convert.ToInt32(max, CultureInfo.InvariantCulture);
        }
        return largest;
    }

    /// <summary>The stored items holding any of the full IDs <paramref name="ids"/>, by ID.</summary>
    protected virtual async Task<Dictionary<CatalogueId, CatalogueItem>> FindByIdsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(byte[] Key, int Collision)> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<CatalogueId, CatalogueItem>();
        await using var command = Command(connection, transaction, $"SELECT {Columns} FROM catalogue_items WHERE codes = @c AND collision = @k", ("@c", Array.Empty<byte>()), ("@k", 0));
        foreach (var (key, collision) in ids)
        {
            command.Parameters[0].Value = key;
            command.Parameters[1].Value = collision;
            if (await ReadOneAsync(command, cancellationToken).ConfigureAwait(false) is { } item) found[item.Id] = item;
        }
        return found;
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> (distinct item ids), skipping any whose item id another writer stored meanwhile;
    /// returns the items inserted, by id.
    /// </summary>
    protected virtual async Task<Dictionary<string, CatalogueItem>> InsertItemsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<NewRow> rows, CancellationToken cancellationToken)
    {
        var inserted = new Dictionary<string, CatalogueItem>(StringComparer.Ordinal);
        await using var insert = Command(connection, transaction,
            "INSERT INTO catalogue_items (item_id, codes, collision, title, origin, assigned_at) VALUES (@i, @c, @k, @t, @o, @a) ON CONFLICT (item_id) DO NOTHING RETURNING seq",
            ("@i", ""), ("@c", Array.Empty<byte>()), ("@k", 0), ("@t", ""), ("@o", ""), ("@a", DBNull.Value));
        foreach (var row in rows)
        {
            insert.Parameters[0].Value = row.ItemId;
            insert.Parameters[1].Value = row.Key;
            insert.Parameters[2].Value = row.Collision;
            insert.Parameters[3].Value = (object?)row.Title ?? DBNull.Value;
            insert.Parameters[4].Value = OriginName(row.Origin);
            insert.Parameters[5].Value = TimeToDb(row.AssignedAt);
            var seq = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (seq is not null and not DBNull) inserted[row.ItemId] = Inserted(row, Convert.ToInt64(seq, CultureInfo.InvariantCulture));
        }
        return inserted;
    }

    /// <summary>The item <paramref name="row"/> became, stored as number <paramref name="sequence"/>.</summary>
    protected static CatalogueItem Inserted(NewRow row, long sequence)
        => new(row.ItemId, new CatalogueId(CodeKeys.Decode(row.Key), row.Collision), row.Title, row.Origin, row.AssignedAt, null, sequence);

    /// <summary>The column list every item query selects, in the order <see cref="ReadItem"/> reads.</summary>
    protected const string ItemColumns = Columns;

    /// <inheritdoc />
    public async Task<CatalogueItem?> GetAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        return await ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM catalogue_items WHERE item_id = @i", ("@i", itemId));
            return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CatalogueItem?> FindByIdAsync(CatalogueId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Codes.Count != Model.Levels) return null;
        return await ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM catalogue_items WHERE codes = @c AND collision = @k",
                ("@c", CodeKeys.Encode(id.Codes)), ("@k", id.CollisionCode));
            return await ReadOneAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CataloguePage> BrowseAsync(IReadOnlyList<int> prefix, CatalogueId? after, int limit, CancellationToken cancellationToken = default)
    {
        CheckPrefix(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var (where, parameters) = PrefixCondition(prefix);
        if (after is not null)
        {
            where += " AND (codes > @ac OR (codes = @ac AND collision > @ak))";
            parameters.Add(("@ac", CodeKeys.Encode(after.Codes)));
            parameters.Add(("@ak", after.CollisionCode));
        }
        parameters.Add(("@n", limit + 1));
        var items = await ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM catalogue_items WHERE {where} ORDER BY codes, collision LIMIT @n", [.. parameters]);
            return await ReadManyAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (items.Count <= limit) return new CataloguePage(items, null);
        items.RemoveAt(items.Count - 1);
        return new CataloguePage(items, items[^1].Id);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CatalogueChild>> ChildrenAsync(IReadOnlyList<int> prefix, int titlesPerChild = 3, CancellationToken cancellationToken = default)
    {
        CheckPrefix(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(titlesPerChild);
        var (where, parameters) = PrefixCondition(prefix);
        var underCollision = prefix.Count == Model.Levels;
        // The next code: the 4 bytes after the prefix in the code key, or the collision code under all L codes.
        var next = underCollision ? "collision" : $"substr(codes, {(prefix.Count * 4 + 1).ToString(CultureInfo.InvariantCulture)}, 4)";
        return await ReadAsync(async connection =>
        {
            var children = new List<(int Code, long Count)>();
            await using (var command = Command(connection, null, $"SELECT {next} AS next_code, COUNT(*) FROM catalogue_items WHERE {where} GROUP BY next_code ORDER BY next_code", [.. parameters]))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    children.Add((NextCode(reader, underCollision), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
            var titles = children.ToDictionary(c => c.Code, _ => new List<string>());
            if (titlesPerChild > 0 && children.Count > 0)
            {
                await using var command = Command(connection, null,
                    $"SELECT next_code, title FROM (SELECT {next} AS next_code, title, ROW_NUMBER() OVER (PARTITION BY {next} ORDER BY codes, collision) AS rn " +
                    $"FROM catalogue_items WHERE {where} AND title IS NOT NULL) ranked WHERE rn <= @t ORDER BY next_code, rn",
                    [.. parameters, ("@t", titlesPerChild)]);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    if (titles.TryGetValue(NextCode(reader, underCollision), out var list)) list.Add(reader.GetString(1));
            }
            return (IReadOnlyList<CatalogueChild>)children.Select(c => new CatalogueChild(c.Code, c.Count, titles[c.Code])).ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static int NextCode(DbDataReader reader, bool underCollision)
        => underCollision ? Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture) : CodeKeys.Decode((byte[])reader.GetValue(0))[0];

    /// <inheritdoc />
    public async Task<IReadOnlyList<CatalogueItem>> SearchAsync(string text, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (text.Length == 0) return [];
        var needle = AsciiLower(text);
        return await ReadAsync(async connection =>
        {
            await using var command = Command(connection, null,
                $"SELECT {Columns} FROM catalogue_items WHERE {PositionFunction}(lower(item_id), @q) > 0 OR (title IS NOT NULL AND {PositionFunction}(lower(title), @q) > 0) " +
                "ORDER BY CASE WHEN item_id = @raw THEN 0 ELSE 1 END, codes, collision LIMIT @n",
                ("@q", needle), ("@raw", text), ("@n", limit));
            return (IReadOnlyList<CatalogueItem>)await ReadManyAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CatalogueItem?> RetireAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (var update = Command(connection, transaction, "UPDATE catalogue_items SET retired_at = @t WHERE item_id = @i AND retired_at IS NULL",
                ("@t", TimeToDb(DateTimeOffset.UtcNow)), ("@i", itemId)))
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var select = Command(connection, transaction, $"SELECT {Columns} FROM catalogue_items WHERE item_id = @i", ("@i", itemId));
            var item = await ReadOneAsync(select, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return item;
        }
        catch (Exception e) when (Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    /// <inheritdoc />
    public async Task<CatalogueCounts> CountsAsync(CancellationToken cancellationToken = default)
        => await ReadAsync(async connection =>
        {
            await using var command = Command(connection, null,
                "SELECT COUNT(*), COUNT(retired_at), COALESCE(SUM(CASE WHEN collision > 0 THEN 1 ELSE 0 END), 0) FROM catalogue_items");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new CatalogueCounts(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, null, "SELECT COUNT(*) FROM catalogue_meta");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<CatalogueItem> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {Columns} FROM catalogue_items ORDER BY seq");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return ReadItem(reader);
    }

    /// <inheritdoc />
    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return await ReadAsync(connection => GetMetaAsync(connection, null, key, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.StartsWith("model.", StringComparison.Ordinal) || key.StartsWith("schema.", StringComparison.Ordinal))
            throw new ArgumentException($"Setting \"{key}\" belongs to the store itself.", nameof(key));
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await SetMetaAsync(connection, transaction, key, value, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void CheckPrefix(IReadOnlyList<int> prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Count > Model.Levels)
            throw new ArgumentException($"The prefix has {prefix.Count} codes; IDs of this store have {Model.Levels} codes before the collision code.", nameof(prefix));
        if (prefix.Any(c => c < 0)) throw new ArgumentException("Codes are non-negative.", nameof(prefix));
    }

    private static (string Where, List<(string, object)> Parameters) PrefixCondition(IReadOnlyList<int> prefix)
    {
        if (prefix.Count == 0) return ("1 = 1", []);
        return ("codes >= @lo AND codes < @hi", [("@lo", CodeKeys.Encode(prefix)), ("@hi", CodeKeys.UpperBound(prefix)!)]);
    }

    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await read(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (Explain(e) is { } explained)
        {
            throw explained;
        }
    }

    private static async Task<string?> GetMetaAsync(DbConnection connection, DbTransaction? transaction, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT value FROM catalogue_meta WHERE key = @k", ("@k", key));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task SetMetaAsync(DbConnection connection, DbTransaction transaction, string key, string value, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction,
            "INSERT INTO catalogue_meta (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ("@k", key), ("@v", value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<CatalogueItem?> ReadOneAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadItem(reader) : null;
    }

    /// <summary>Runs <paramref name="command"/> and reads every row it returns as an item (it selects <see cref="ItemColumns"/>).</summary>
    protected async Task<List<CatalogueItem>> ReadManyAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var items = new List<CatalogueItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(ReadItem(reader));
        return items;
    }

    /// <summary>The item in the reader's current row (which holds <see cref="ItemColumns"/>).</summary>
    protected CatalogueItem ReadItem(DbDataReader reader)
        => new(reader.GetString(1),
            new CatalogueId(CodeKeys.Decode((byte[])reader.GetValue(2)), Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture)),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetString(5) == OriginName(CatalogueItemOrigin.Imported) ? CatalogueItemOrigin.Imported : CatalogueItemOrigin.Assigned,
            TimeFromDb(reader, 6),
            reader.IsDBNull(7) ? null : TimeFromDb(reader, 7),
            Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));

    /// <summary>How <paramref name="origin"/> is stored.</summary>
    protected static string OriginName(CatalogueItemOrigin origin) => origin == CatalogueItemOrigin.Imported ? "imported" : "assigned";

    /// <summary>Lower-cases ASCII letters only, as SQLite's lower() does, so both backends match the same way.</summary>
    private static string AsciiLower(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++) span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
    });

    /// <summary>A command with named parameters (values set as given).</summary>
    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
