using System.CommandLine;
using RqVae.Cli.Models;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.IO;
using RqVae.Metrics;
using RqVae.Model;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae eval MODEL ITEMS</c>: every metric of the library, as terminal tables and JSON.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var model = ModelArgument.Create();
        var items = new Argument<string>("items") { Description = "The items to measure on, in any input format (see `rqvae train --help`)." };
        var json = new Option<string?>("--json")
        {
            Description = "Also write the metrics as JSON to this file ('-' for the standard output, instead of the tables).",
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Items read and encoded at a time; the features are streamed, only the IDs are kept.",
            DefaultValueFactory = _ => 4096,
        };
        var overwrite = OverwriteOption.Create("the --json file");
        var input = new InputOptionSet();
        var encoding = new EncodingOptionSet();
        var command = new Command("eval", "Measure a model on items: code usage per level (active codes, perplexity, entropy), " +
                                          "ID collisions, and reconstruction error (MSE, MAE, cosine).")
        {
            model, items, json, overwrite, batchSize,
        };
        encoding.AddTo(command);
        input.AddTo(command);
        command.SetAction(parse =>
        {
            using var claim = parse.GetValue(json) is { } path && path != "-"
                ? ExistingOutput.Claim(path, parse.GetValue(overwrite), [parse.GetValue(model)!, .. OutputPlacement.ItemInputs(parse.GetValue(items)!, parse.GetValue(input.IdsFile))])
                : null;
            return Run(context, parse, parse.GetValue(model)!, parse.GetValue(items)!, parse.GetValue(json), parse.GetValue(batchSize), input, encoding);
        });
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string modelPath, string itemsPath, string? jsonPath, int batchSize, InputOptionSet input, EncodingOptionSet encoding)
    {
        if (batchSize < 1) throw new CliException($"--batch-size must be at least 1 (got {batchSize}).");
        using var model = ModelFolder.Load(modelPath);
        using var encoder = encoding.For(parse, model);
        var tokenizer = model.Tokenizer;
        var source = input.Source(parse, itemsPath);
        using var embedding = input.Embedding(parse, context);
        var reconstruction = new ReconstructionAccumulator();
        var codes = new List<int>();
        foreach (var batch in source.ReadBatches(batchSize, embedding, context.Cancellation))
        {
            model.CheckDimension(batch.Features.Dimension, itemsPath);
            var ids = encoder.Encode(batch.Features.Values);
            reconstruction.Add(batch.Features.Values, tokenizer.Reconstruct(ids), tokenizer.InputDimension);
            codes.AddRange(ids.Codes);
        }
        var all = new SemanticIdTable([.. codes], tokenizer.Levels);
        var report = new EvaluationReport(all.Count, reconstruction.Result(), CodebookUsage.Compute(all, tokenizer.CodebookSize), CollisionStats.Compute(all));

        var text = ModelDirectory.ToJson(report);
        if (jsonPath == "-")
        {
            context.Output.WriteLine(text);
            return ExitCodes.Success;
        }
        MetricsView.Write(context.Console, report, $"{Path.GetFileName(itemsPath)} under {Path.GetFileName(Path.GetFullPath(modelPath).TrimEnd('/'))}");
        if (jsonPath is not null)
        {
            AtomicFile.WriteAllText(jsonPath, text + "\n");
            context.Status($"Metrics written to {Path.GetFullPath(jsonPath)}.");
        }
        return ExitCodes.Success;
    }
}
