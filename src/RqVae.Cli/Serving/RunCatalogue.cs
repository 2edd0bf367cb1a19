using System.Globalization;
using RqVae.Catalogue.Stores;
using RqVae.Catalogue.Tables;
using RqVae.Data.IdTables;
using RqVae.Data.Text;
using RqVae.SemanticIds;
using RqVae.Service;

namespace RqVae.Cli.Serving;

/// <summary>
/// The catalogue store of a finished MovieLens run: <c>catalogue.db</c> beside its <c>ids.csv</c>, holding the run's
/// unique IDs and the movies' titles, so <c>rqvae movielens --serve</c> can open the page on it at once.
/// </summary>
internal static class RunCatalogue
{
    /// <summary>The store's file name inside the run folder.</summary>
    public const string FileName = "catalogue.db";

    /// <summary>
    /// Opens (creating on first use) the store of the run in <paramref name="runDirectory"/> and imports the run's ID table
    /// with titles when the store is empty; returns the store's path and how many items it holds.
    /// </summary>
    /// <remarks>
    /// The store's own table import (<see cref="CatalogueTables.ImportAsync"/>) takes no titles, and the page searches by
    /// title, so the rows are mapped here the way it maps them (L + 1 numbers: the last is the collision code; L: collision
    /// code 0) with each movie's title added.
    /// </remarks>
    public static async Task<(string Path, long Items)> PrepareAsync(string runDirectory, ServedModel model, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(runDirectory, FileName);
        var idsPath = System.IO.Path.Combine(runDirectory, "ids.csv");
        var moviesPath = System.IO.Path.Combine(runDirectory, "movies.csv");
        await using var store = await CatalogueStores.OpenAsync(path, model.Catalogue, cancellationToken);
        var counts = await store.CountsAsync(cancellationToken);
        if (counts.Items > 0) return (path, counts.Items);

        var table = SemanticIdTableReader.Read(idsPath);
        IdTableModelCheck.EnsureProducedBy(idsPath, table.ModelHash, model.Identity);
        var levels = model.Catalogue.Levels;
        if (table.Levels != levels && table.Levels != levels + 1)
            throw new CliException($"'{idsPath}' has {table.Levels} codes per movie; the run's model makes {levels} (or {levels + 1} with the extra code). Re-run with --overwrite.");
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ItemTextReader.Read(moviesPath, new ItemTextReaderOptions { IdColumn = "id", TextColumns = ["title"] }))
            titles[entry.Id] = entry.Text;
        var items = new ImportedCatalogueItem[table.Count];
        for (var row = 0; row < table.Count; row++)
        {
            var numbers = table[row];
            var id = new CatalogueId(numbers[..levels].ToArray(), table.Levels == levels + 1 ? numbers[levels] : 0);
            var itemId = table.ItemId(row);
            items[row] = new ImportedCatalogueItem(itemId, id, titles.GetValueOrDefault(itemId));
        }
        await store.ImportAsync(items, cancellationToken);
        await store.SetSettingAsync(CatalogueTables.TableLevelsSetting, table.Levels.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return (path, table.Count);
    }
}
