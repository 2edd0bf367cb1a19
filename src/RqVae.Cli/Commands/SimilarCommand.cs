using System.CommandLine;
using RqVae.Cli.Input;
using RqVae.Cli.Models;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Data.IdTables;
using RqVae.Data.Text;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae similar MODEL IDS --item ID | --title TEXT</c>: top-k similar items by semantic ID.</summary>
internal static class SimilarCommand
{
    public static Command Create(CliContext context)
    {
        var modelArgument = ModelArgument.Create();
        var idTable = new Argument<string>("ids") { Description = "The ID table `rqvae encode` wrote for the catalogue (.csv, .tsv, .parquet or .jsonl)." };
        var item = new Option<string[]>("--item")
        {
            Description = "Query by item id (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var title = new Option<string[]>("--title")
        {
            Description = "Query by title text (repeatable): the best-matching title in --items (exact, then prefix, then substring). " +
                          "For a model trained on texts, a title found nowhere is embedded and encoded as a new item.",
        };
        var itemsFile = new Option<string?>("--items")
        {
            Description = "A file with the items' titles (CSV/TSV, Parquet or JSON Lines), to show titles and to query by title.",
        };
        var titleColumn = new Option<string>("--title-column") { Description = "Column/field of --items holding the title.", DefaultValueFactory = _ => "title" };
        var idColumn = new Option<string>("--id-column") { Description = "Column/field of --items holding the item id.", DefaultValueFactory = _ => "id" };
        var top = new Option<int>("--top", "-n") { Description = "How many similar items to show per query.", DefaultValueFactory = _ => 10 };
        var shared = new InputOptionSet();
        var encoding = new EncodingOptionSet();
        var command = new Command("similar", "Show the items most similar to a query item: longest shared ID prefix first, then nearest code vector.")
        {
            modelArgument, idTable, item, title, itemsFile, titleColumn, idColumn, top, shared.EmbeddingCache, shared.NoEmbeddingCache, shared.EmbedThreads, encoding.Beam,
        };
        command.SetAction(parse =>
        {
            var queriesById = parse.GetValue(item) ?? [];
            var queriesByTitle = parse.GetValue(title) ?? [];
            if (queriesById.Length + queriesByTitle.Length == 0)
                throw new CliException("give at least one query: --item ID or --title TEXT.", ExitCodes.Usage);
            var k = parse.GetValue(top);
            if (k < 1) throw new CliException($"--top must be at least 1 (got {k}).");
            var modelPath = parse.GetValue(modelArgument)!;
            var tablePath = parse.GetValue(idTable)!;
            using var model = ModelFolder.Load(modelPath);
            using var encoder = encoding.For(parse, model);
            var tokenizer = model.Tokenizer;
            var table = SemanticIdTableReader.Read(tablePath);
            try { IdTableModelCheck.EnsureProducedBy(tablePath, table.ModelHash, model.Identity); }
            catch (IdTableModelMismatchException e) { throw new CliException($"{e.Message} (model: '{modelPath}')"); }
            if (table.Levels != tokenizer.Levels && table.Levels != tokenizer.Levels + 1)
                throw new CliException($"'{tablePath}' has {table.Levels} codes per item but the model in '{modelPath}' makes {tokenizer.Levels} (or {tokenizer.Levels + 1} with the extra code of `encode --unique`).");
            // The extra code of unique IDs only numbers items within a shared ID; similarity uses the model's codes.
            var ids = table.Prefixes(tokenizer.Levels);
            var itemIds = table.ItemIds!;
            var codebooks = tokenizer.Codebooks();
            SemanticIdIndex index;
            try { index = new SemanticIdIndex(ids, codebooks, tokenizer.CodeDimension); }
            catch (ArgumentException e) { throw new CliException($"'{tablePath}' does not fit the model in '{modelPath}': {e.Message}"); }

            var rowOfId = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var r = 0; r < itemIds.Count; r++) rowOfId[itemIds[r]] = r;
            var titles = new string?[table.Count];
            var itemsPath = parse.GetValue(itemsFile);
            if (itemsPath is not null)
                foreach (var entry in ItemTextReader.Read(itemsPath, new ItemTextReaderOptions { IdColumn = parse.GetValue(idColumn)!, TextColumns = [parse.GetValue(titleColumn)!] }))
                    if (rowOfId.TryGetValue(entry.Id, out var r)) titles[r] = entry.Text;
            var search = new TitleSearch(titles);
            using var embedding = shared.Embedding(parse, context);

            foreach (var id in queriesById)
            {
                if (!rowOfId.TryGetValue(id, out var row))
                    throw new CliException($"item '{id}' is not in '{tablePath}'. Check the id, or encode the item first.");
                Show(context, $"Similar to {id} {titles[row]} ({ids.Format(row)})", index.SimilarTo(row, k), ids, itemIds, titles, codebooks, tokenizer.CodeDimension, ids[row]);
            }
            foreach (var text in queriesByTitle)
            {
                if (search.Find(text) is { } row)
                {
                    Show(context, $"Similar to {itemIds[row]} {titles[row]} ({ids.Format(row)})", index.SimilarTo(row, k), ids, itemIds, titles, codebooks, tokenizer.CodeDimension, ids[row]);
                    continue;
                }
                if (tokenizer.InputDimension != embedding.Dimension)
                    throw new CliException(itemsPath is null
                        ? $"no titles to search for '{text}': pass --items with the catalogue's titles."
                        : $"no title in '{itemsPath}' contains '{text}', and the model does not take text embeddings, so the text cannot be encoded as a new item.");
                var query = encoder.Encode(embedding.Embed([text], "embedding the query"));
                Show(context, $"Similar to the new text \"{text}\" ({query.Format(0)})", index.Query(query[0], k), ids, itemIds, titles, codebooks, tokenizer.CodeDimension, query[0]);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Show(CliContext context, string heading, IReadOnlyList<SimilarItem> similar, SemanticIdTable ids, IReadOnlyList<string> itemIds,
        string?[] titles, IReadOnlyList<float[]> codebooks, int codeDimension, ReadOnlySpan<int> queryId)
        => SimilarItemsView.Write(context.Console, heading, similar, ids, itemIds, r => titles[r], codebooks, codeDimension, queryId);
}
