using System.CommandLine;
using RqVae.Catalogue.Stores;
using RqVae.Catalogue.Tables;
using RqVae.Cli.Models;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands;

/// <summary>
/// <c>rqvae catalogue import TABLE --store S --model M</c> and <c>rqvae catalogue export --store S -o TABLE</c>: an ID
/// table into a catalogue store, keeping its IDs, and the store back out as a table.
/// </summary>
internal static class CatalogueCommand
{
    private const string StoreHelp = "The catalogue store: an SQLite file (created on first use), or a PostgreSQL database as postgres://user@host:port/database or an Npgsql connection string (Host=…;Database=…).";

    public static Command Create(CliContext context)
    {
        var command = new Command("catalogue", "A catalogue store keeps every item's semantic ID once assigned (the store `rqvae serve` uses): import an ID table into it, export it back.")
        {
            CreateImport(context),
            CreateExport(context),
        };
        return command;
    }

    private static Command CreateImport(CliContext context)
    {
        var table = new Argument<string>("table") { Description = "An ID table written by `rqvae encode` (best with --unique), as .csv, .tsv, .parquet or .jsonl, with its .meta.json or Parquet footer naming the model." };
        var store = new Option<string>("--store") { Description = StoreHelp, Required = true };
        var model = new Option<string>("--model") { Description = "The model folder that wrote the table; the store keeps IDs of this model only.", Required = true };
        var command = new Command("import",
            "Store the items of an ID table with the IDs it gives them: the table's extra code (encode --unique) becomes the collision code. " +
            "Items the store already holds with the same IDs are left as they are, so an import can be run again; an item stored with another ID, or an ID held by another item, stops the import before anything is stored.")
        {
            table, store, model,
        };
        command.SetAction(parse => Import(context, parse.GetValue(table)!, parse.GetValue(store)!, parse.GetValue(model)!).GetAwaiter().GetResult());
        return command;
    }

    private static Command CreateExport(CliContext context)
    {
        var store = new Option<string>("--store") { Description = StoreHelp, Required = true };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The ID table to write (item_id, c0 …, as .csv, .tsv, .parquet or .jsonl), every item in the order it entered the store, retired ones included; a <file>.meta.json beside it names the model.",
            Required = true,
        };
        var outputFormat = FormatOption.Create("--output-format", "Format of the ID table.", "csv", "tsv", "parquet", "jsonl");
        var overwrite = OverwriteOption.Create("the ID table");
        var command = new Command("export",
            "Write the store's items and IDs as an ID table, with the columns of the table imported into it (or c0 … c{L} with the collision code last): a table imported and exported comes back the same.")
        {
            store, output, outputFormat, overwrite,
        };
        command.SetAction(parse =>
        {
            var location = parse.GetValue(store)!;
            var path = parse.GetValue(output)!;
            using var claim = ExistingOutput.Claim(path, parse.GetValue(overwrite), CatalogueStores.IsPostgres(location) ? [] : [location], IdTableMetadata.SidecarPath(path));
            return Export(context, location, path, parse.GetValue(outputFormat)).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> Import(CliContext context, string tablePath, string location, string modelPath)
    {
        using var model = ModelFolder.Load(modelPath);
        var table = SemanticIdTableReader.Read(tablePath);
        // Before the store is touched: a table of another model must not even create a store.
        IdTableModelCheck.EnsureProducedBy(tablePath, table.ModelHash, model.Identity);
        var catalogueModel = new CatalogueModel(model.ModelHash, model.Tokenizer.Levels, model.Tokenizer.CodebookSize);
        await using var store = await Open(location, catalogueModel, context.Cancellation);
        CatalogueImportReport report;
        try
        {
            report = await CatalogueTables.ImportAsync(store, table, tablePath, cancellationToken: context.Cancellation);
        }
        catch (CatalogueStoreException e)
        {
            throw new CliException(e.Message);
        }
        context.Output.WriteLine($"Imported {report.Rows:N0} items from {tablePath} into {store.Location}: {report.Created:N0} stored now, {report.Unchanged:N0} already there with the same IDs " +
                                 $"({(report.TableLevels > catalogueModel.Levels ? "the table's last code is the collision code" : "collision code 0: the table has no extra code")}).");
        return ExitCodes.Success;
    }

    private static async Task<int> Export(CliContext context, string location, string path, RqVae.Data.IO.DataFileFormat format)
    {
        await using var store = await Open(location, null, context.Cancellation);
        long rows;
        try
        {
            rows = await CatalogueTables.ExportAsync(store, path, format, context.Cancellation);
        }
        catch (CatalogueStoreException e)
        {
            throw new CliException(e.Message);
        }
        context.Status($"Wrote the IDs of {rows:N0} items from {store.Location} to {Path.GetFullPath(path)}.");
        return ExitCodes.Success;
    }

    private static async Task<ICatalogueStore> Open(string location, CatalogueModel? model, CancellationToken cancellationToken)
    {
        try
        {
            return await CatalogueStores.OpenAsync(location, model, cancellationToken);
        }
        catch (CatalogueStoreException e)
        {
            throw new CliException(e.Message);
        }
    }
}
