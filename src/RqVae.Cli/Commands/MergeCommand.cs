using System.CommandLine;
using System.Diagnostics;
using RqVae.Cli.Ids;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Data.IdTables;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae merge SHARD… -o TABLE</c>: the shard tables of <c>encode --shard</c> joined into the table of <c>encode --unique</c>.</summary>
internal static class MergeCommand
{
    public static Command Create(CliContext context)
    {
        var shards = new Argument<string[]>("shards")
        {
            Description = "The ID tables of every shard of one split (`rqvae encode --shard i/N`, i = 0 … N-1), each with its .shard file beside it.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The unique ID table to write (item_id, c0 …), as .csv, .tsv, .parquet or .jsonl, with the model's hash; rows in the catalogue's order.",
            Required = true,
        };
        var outputFormat = FormatOption.Create("--output-format", "Format of the ID table.", "csv", "tsv", "parquet", "jsonl");
        var overwrite = OverwriteOption.Create("the ID table");
        var collisions = new UniqueIds();
        var command = new Command("merge",
            "Join shard tables, check each item appears once and every shard comes from one model, and make the IDs unique over all of them: " +
            "the same rows as `rqvae encode --unique` on the whole catalogue. Holds every item's id, codes and last-level residual in memory.")
        {
            shards, output, outputFormat, overwrite,
        };
        collisions.AddTo(command);
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(shards)!;
            var outputPath = parse.GetValue(output)!;
            using var claim = ExistingOutput.Claim(outputPath, parse.GetValue(overwrite),
                [.. paths, .. paths.Select(IdTableMetadata.SidecarPath), .. paths.Select(ShardSidecar.PathFor)], IdTableMetadata.SidecarPath(outputPath));
            var clock = Stopwatch.StartNew();
            var joined = ShardMerge.Join(paths);
            var (unique, report) = CollisionResolver.Resolve(joined.Table, joined.Residuals, joined.LastCodebook, collisions.Options(parse));
            SemanticIdTableWriter.Write(outputPath, new SemanticIdTable([.. joined.Table.ItemIds!], unique.Codes.ToArray(), unique.Levels, joined.Table.ModelHash),
                new SemanticIdTableWriterOptions { Format = parse.GetValue(outputFormat) });
            context.Output.WriteLine(UniqueIds.Describe(report));
            context.Status($"Merged {joined.ShardCount} shards into the unique IDs of {joined.Table.Count:N0} items ({unique.Levels} codes each) in {Path.GetFullPath(outputPath)} in {clock.Elapsed.TotalSeconds:F1} s.");
            return ExitCodes.Success;
        });
        return command;
    }
}
