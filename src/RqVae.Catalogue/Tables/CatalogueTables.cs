using System.Globalization;
using RqVae.Catalogue.Stores;
using RqVae.Data.Errors;
using RqVae.Data.IdTables;
using RqVae.Data.IO;
using RqVae.SemanticIds;

namespace RqVae.Catalogue.Tables;

/// <summary>
/// Moves ID tables (<c>item_id, c0 … </c>, as <c>rqvae encode</c> writes them) into a catalogue store and back. A store's
/// full ID is the item's L codes plus a collision code, and a table maps onto it by its width:
/// <list type="bullet">
/// <item>L + 1 numbers (<c>encode --unique</c>, which appends an extra code numbering the items left sharing an ID):
/// c0 … c{L−1} are the store's codes, exactly as the table has them (an item the collision step moved to a free
/// last-level code keeps the code it was moved to), and c{L} is the collision code;</item>
/// <item>L numbers (<c>encode --unique --extra-code false</c>, or plain <c>encode</c> of items whose IDs happen to be
/// unique): the codes, with collision code 0; the IDs must then be unique in the table.</item>
/// </list>
/// The store remembers the width of the first table imported, and export writes that width again, so a table
/// imported and exported unchanged comes back with the same columns, rows (in the same order: the store keeps the
/// order items entered it) and values, and the same model hash in its metadata.
/// </summary>
public static class CatalogueTables
{
    /// <summary>The store setting that records how many numbers per ID the imported table had (and export writes).</summary>
    public const string TableLevelsSetting = "table.levels";

    /// <summary>
    /// Stores the items of <paramref name="table"/> (read from <paramref name="tablePath"/>) with their IDs, in one
    /// transaction, each with its title from <paramref name="titles"/> when given (by item id; items without one get none).
    /// The caller checks first that the table was made by the store's model (its <see cref="SemanticIdTable.ModelHash"/>).
    /// </summary>
    /// <exception cref="DataFormatException">The table's width fits neither layout, a code is outside the model's codebook, or (without the collision code) two rows share an ID; names the row and column.</exception>
    /// <exception cref="CatalogueConflictException">An item is stored with another ID, or an ID belongs to another item; nothing is stored.</exception>
    public static async Task<CatalogueImportReport> ImportAsync(ICatalogueStore store, SemanticIdTable table, string tablePath, IReadOnlyDictionary<string, string>? titles = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(table);
        if (table.ItemIds is null) throw new DataFormatException("the table has no item ids", tablePath, column: IdTableColumns.ItemId, remedy: "Import a table with an item_id column, as `rqvae encode` writes.");
        var levels = store.Model.Levels;
        var withCollision = table.Levels == levels + 1;
        if (!withCollision && table.Levels != levels)
            throw new DataFormatException($"the table has {table.Levels} codes per item, but the store's model encodes {levels}; a table of this model has {levels} (as encoded) or {levels + 1} (with the extra code of `rqvae encode --unique`)", tablePath,
                remedy: "Import a table made by this model.");
        var recorded = await store.GetSettingAsync(TableLevelsSetting, cancellationToken).ConfigureAwait(false);
        if (recorded is not null && recorded != table.Levels.ToString(CultureInfo.InvariantCulture))
            throw new DataFormatException($"the store holds an earlier import of {recorded} codes per item and this table has {table.Levels}; export could not give both back as they were", tablePath,
                remedy: "Import tables of one width into a store (all with the extra code, or all without).");
        var items = new ImportedCatalogueItem[table.Count];
        var firstRowOfId = withCollision ? null : new Dictionary<CatalogueId, int>();
        for (var row = 0; row < table.Count; row++)
        {
            var numbers = table[row];
            var codes = numbers[..levels].ToArray();
            if (store.Model.CheckCodes(codes) is not null)
            {
                var level = Array.FindIndex(codes, c => c >= store.Model.CodebookSize);
                throw new DataFormatException($"code {codes[level]} is outside the model's codebook (0..{store.Model.CodebookSize - 1})", tablePath, row + 1, IdTableColumns.Code(level),
                    remedy: "Import a table made by the store's model.");
            }
            var id = new CatalogueId(codes, withCollision ? numbers[levels] : 0);
            if (firstRowOfId is not null && !firstRowOfId.TryAdd(id, row))
                throw new DataFormatException($"rows {firstRowOfId[id] + 1} and {row + 1} share ID {string.Join('-', codes)}; a table without the extra code must give every item its own ID", tablePath, row + 1, IdTableColumns.ItemId,
                    remedy: "Encode the items with `rqvae encode --unique` (which appends the extra code).");
            var itemId = table.ItemId(row);
            items[row] = new ImportedCatalogueItem(itemId, id, titles?.GetValueOrDefault(itemId));
        }
        var results = await store.ImportAsync(items, cancellationToken).ConfigureAwait(false);
        if (recorded is null) await store.SetSettingAsync(TableLevelsSetting, table.Levels.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return new CatalogueImportReport(table.Count, results.Count(r => r.Status == AssignStatus.Created), results.Count(r => r.Status != AssignStatus.Created), table.Levels);
    }

    /// <summary>
    /// Writes every item of the store (retired ones too: their IDs stay theirs) to the ID table <paramref name="path"/>,
    /// in the order they entered the store, atomically, with the store's model hash in its metadata. The width is the
    /// imported table's, or L + 1 (codes and collision code) for a store that never imported one.
    /// </summary>
    /// <returns>The number of rows written.</returns>
    /// <exception cref="CatalogueStoreException">The store's table has L codes per item but an item has a collision code above 0, which such a table cannot hold; nothing is written.</exception>
    public static async Task<long> ExportAsync(ICatalogueStore store, string path, DataFileFormat format = DataFileFormat.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var levels = store.Model.Levels;
        var recorded = await store.GetSettingAsync(TableLevelsSetting, cancellationToken).ConfigureAwait(false);
        var width = recorded is not null && int.TryParse(recorded, NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w == levels ? levels : levels + 1;
        using var writer = new SemanticIdTableWriter(path, width, new SemanticIdTableWriterOptions { Format = format, ModelHash = store.Model.NormalizedHash });
        const int batch = 8192;
        var ids = new List<string>(batch);
        var codes = new List<int>(batch * width);
        await foreach (var item in store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (width == levels && item.Id.CollisionCode > 0)
                throw new CatalogueStoreException(store.Location, $"item \"{item.ItemId}\" has ID {item.Id}, with collision code {item.Id.CollisionCode}: it was assigned after the import of a table without the extra code, which cannot hold it. Nothing was written.");
            ids.Add(item.ItemId);
            codes.AddRange(width == levels ? item.Id.Codes : item.Id.Full());
            if (ids.Count == batch)
            {
                writer.WriteBatch(ids, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(codes));
                ids.Clear();
                codes.Clear();
            }
        }
        if (ids.Count > 0) writer.WriteBatch(ids, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(codes));
        writer.Complete();
        return writer.Rows;
    }
}
