using System.Globalization;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.Text;
using RqVae.Datasets.MovieLens;
using RqVae.Recommender;
using RqVae.Recommender.Protocol;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// Where a recommender's data comes from, as recorded in run.json so that eval and for rebuild the same split:
/// the ratings (a CSV, or the MovieLens loader when none is given), the ID table and an optional items file for titles.
/// The catalogue is MovieLens' movies; with a ratings CSV, the ID table's items, else the rated items.
/// </summary>
internal sealed record RecommendSource
{
    public string? Ratings { get; init; }

    public string? DataDir { get; init; }

    public string? Ids { get; init; }

    public string? Items { get; init; }

    /// <summary>The items' content vectors (a feature file keyed by item id), for kinds with a dense head; null for none.</summary>
    public string? ItemFeatures { get; init; }

    public string ItemIdColumn { get; init; } = "id";

    public string TitleColumn { get; init; } = "title";

    public SplitOptions Split { get; init; } = new();

    /// <summary>Loads the interactions and the catalogue and cuts the split; aligns the ID table to it when one is named.</summary>
    public RecommendData Load()
    {
        IReadOnlyList<Interaction> interactions;
        int[] catalogue;
        var titles = new Dictionary<int, string>();
        var table = Ids is null ? null : ReadTable(Ids);
        if (Ratings is null)
        {
            var dataset = MovieLensDataset.Load(DataDir is null ? new MovieLensOptions() : new MovieLensOptions { CacheDirectory = DataDir });
            interactions = [.. dataset.Ratings.Select(r => new Interaction(r.UserId, r.MovieId, r.Timestamp))];
            catalogue = [.. dataset.Movies.Select(m => m.MovieId).Order()];
            foreach (var m in dataset.Movies)
            {
                if (m.DisplayTitle is { } t) titles[m.MovieId] = m.Year is { } y ? $"{t} ({y})" : t;
            }
        }
        else
        {
            interactions = RatingsCsvFile.Read(Ratings);
            catalogue = table is null
                ? [.. interactions.Select(i => i.ItemKey).Distinct().Order()]
                : [.. table.ItemIds!.Select((id, row) => int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) ? k
                    : throw new CliException($"'{Ids}', row {row + 1}: item id \"{id}\" is not an integer; the ratings name items by integer ids."))];
        }
        if (Items is not null)
        {
            foreach (var entry in ItemTextReader.Read(Items, new ItemTextReaderOptions { IdColumn = ItemIdColumn, TextColumns = [TitleColumn] }))
            {
                if (int.TryParse(entry.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var key)) titles[key] = entry.Text;
            }
        }
        RecommenderSplit split;
        try
        {
            split = LeaveLastOutSplit.Create(interactions, catalogue, Split);
        }
        catch (RecommenderInputException e)
        {
            throw new CliException(Ratings is null ? e.Message : $"'{Ratings}': {e.Message}");
        }
        SemanticIdTable? aligned = null;
        if (table is not null)
        {
            try
            {
                aligned = ItemSideData.AlignSemanticIds(table, split.ItemKeys, $"'{Ids}'");
            }
            catch (RecommenderInputException e)
            {
                throw new CliException(e.Message);
            }
        }
        return new RecommendData(split, aligned, titles, ItemFeatures is null ? null : ReadEmbeddings(ItemFeatures, split.ItemKeys));
    }

    private static float[,] ReadEmbeddings(string path, IReadOnlyList<int> itemKeys)
    {
        if (!File.Exists(path)) throw new CliException($"'{path}': no such feature file (--item-features). Check the path.");
        var features = FeatureReader.Load(path);
        try
        {
            return ItemSideData.AlignEmbeddings(features.Ids, features.Values, features.Dimension, itemKeys, $"'{path}'");
        }
        catch (RecommenderInputException e)
        {
            throw new CliException(e.Message + " (--item-features)");
        }
    }

    private static SemanticIdTable ReadTable(string path)
    {
        if (!File.Exists(path)) throw new CliException($"'{path}': no such ID table (--ids). Check the path.");
        var table = SemanticIdTableReader.Read(path);
        if (table.ItemIds is null) throw new CliException($"'{path}' has no item ids; the recommender matches IDs to rated items by id.");
        return table;
    }
}

/// <summary>The split, the ID table and the content embeddings in the split's item order, and the titles by item key.</summary>
internal sealed record RecommendData(RecommenderSplit Split, SemanticIdTable? SemanticIds, IReadOnlyDictionary<int, string> Titles, float[,]? ItemEmbeddings = null)
{
    public string Describe(int item)
    {
        var key = Split.ItemKeys[item];
        return Titles.TryGetValue(key, out var title) ? $"{key} {title}" : key.ToString(CultureInfo.InvariantCulture);
    }
}
