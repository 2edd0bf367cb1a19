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
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ItemTextReader.Read(moviesPath, new ItemTextReaderOptions { IdColumn = "id", TextColumns = ["title"] }))
            titles[entry.Id] = entry.Text;
        await CatalogueTables.ImportAsync(store, table, idsPath, titles, cancellationToken);
        return (path, table.Count);
    }
}
