using System.CommandLine;
using System.Diagnostics;
using RqVae.Cli.Ids;
using RqVae.Cli.Models;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Data.Items;
using RqVae.Model;
using RqVae.SemanticIds;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae encode MODEL ITEMS -o ids.csv</c>: a semantic-ID table, streamed batch by batch.</summary>
internal static class EncodeCommand
{
    public static Command Create(CliContext context)
    {
        var model = ModelArgument.Create();
        var items = new Argument<string>("items") { Description = "The items to encode, in any input format (see `rqvae train --help`)." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "The ID table to write: item_id, c0 … c{L-1}, as .csv, .tsv, .parquet or .jsonl. A <file>.meta.json beside it records the model's weights hash.",
            Required = true,
        };
        var outputFormat = FormatOption.Create("--output-format", "Format of the ID table.", "csv", "tsv", "parquet", "jsonl");
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Items read, encoded and written at a time; memory is bounded by it, not by the number of items.",
            DefaultValueFactory = _ => 4096,
        };
        var unique = new Option<bool>("--unique")
        {
            Description = "Make every ID unique (re-assign colliding items to free last-level codes, then append an extra code). " +
                          "Collisions are resolved over all items, so memory grows with them: the features stream, but each item's id, codes and (with --reassign) " +
                          "last-level residual are kept; see --reassign, --max-reassign-error, --extra-code.",
        };
        var shard = new Option<string?>("--shard")
        {
            Description = "Encode only shard i of N (i/N, numbered from 0: 0/3, 1/3, 2/3): the items whose id hashes there (first 8 bytes of SHA-256 of the UTF-8 id, " +
                          "little-endian, mod N), whatever the file's order. Writes the shard's IDs as encoded and, beside them, <table>.shard with what " +
                          "`rqvae merge` needs to make the IDs unique over all shards (each item's catalogue row and last-level residual). Excludes --unique.",
            HelpName = "i/N",
        };
        var overwrite = OverwriteOption.Create("the ID table");
        var input = new InputOptionSet();
        var encoding = new EncodingOptionSet();
        var collisions = new UniqueIds();
        var command = new Command("encode", "Assign semantic IDs to items with a trained model, streaming: memory does not grow with the number of items.")
        {
            model, items, output, outputFormat, overwrite, batchSize, unique, shard,
        };
        encoding.AddTo(command, withBFloat16: true);
        input.AddTo(command);
        collisions.AddTo(command);
        command.SetAction(parse =>
        {
            using var claim = ExistingOutput.Claim(parse.GetValue(output)!, parse.GetValue(overwrite),
                [parse.GetValue(model)!, .. OutputPlacement.ItemInputs(parse.GetValue(items)!, parse.GetValue(input.IdsFile))],
                [IdTableMetadata.SidecarPath(parse.GetValue(output)!), .. parse.GetValue(shard) is null ? Array.Empty<string>() : [ShardSidecar.PathFor(parse.GetValue(output)!)]]);
            if (parse.GetValue(shard) is { } shardText)
            {
                if (parse.GetValue(unique))
                    throw new CliException("--shard and --unique exclude each other: a shard alone cannot make IDs unique over the catalogue. Encode every shard with --shard i/N, then `rqvae merge` them (it takes the --unique settings).", ExitCodes.Usage);
                return RunShard(context, parse, parse.GetValue(model)!, parse.GetValue(items)!, parse.GetValue(output)!, parse.GetValue(outputFormat), parse.GetValue(batchSize), ParseShard(shardText), input, encoding);
            }
            return parse.GetValue(unique)
            ? RunUnique(context, parse, parse.GetValue(model)!, parse.GetValue(items)!, parse.GetValue(output)!, parse.GetValue(outputFormat), parse.GetValue(batchSize), input, encoding, collisions)
            : Run(context, parse, parse.GetValue(model)!, parse.GetValue(items)!, parse.GetValue(output)!, parse.GetValue(outputFormat), parse.GetValue(batchSize), input, encoding);
        });
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string modelPath, string itemsPath, string outputPath,
        RqVae.Data.IO.DataFileFormat outputFormat, int batchSize, InputOptionSet input, EncodingOptionSet encoding)
    {
        if (batchSize < 1) throw new CliException($"--batch-size must be at least 1 (got {batchSize}).");
        var clock = Stopwatch.StartNew();
        using var model = ModelFolder.Load(modelPath);
        using var encoder = encoding.For(parse, model, context.Error);
        var source = input.Source(parse, itemsPath);
        using var embedding = input.Embedding(parse, context);
        using var writer = new SemanticIdTableWriter(outputPath, model.Tokenizer.Levels,
            new SemanticIdTableWriterOptions { Format = outputFormat, ModelHash = model.ModelHash });
        var batches = source.ReadBatches(batchSize, embedding, context.Cancellation);
        foreach (var (batch, ids) in StreamingEncoder.Encode(encoder, batches, b => Features(model, b, itemsPath), context.Cancellation))
            writer.WriteBatch(batch.Features.Ids, ids.Codes);
        writer.Complete();
        context.Status($"Wrote the IDs of {writer.Rows:N0} items ({model.Tokenizer.Levels} codes each, {encoder.Description}) to {Path.GetFullPath(outputPath)} in {clock.Elapsed.TotalSeconds:F1} s.");
        return ExitCodes.Success;
    }

    private static ItemShard ParseShard(string text)
    {
        try { return ItemShard.Parse(text); }
        catch (FormatException e) { throw new CliException($"--shard: {e.Message}", ExitCodes.Usage); }
    }

    /// <summary>
    /// --shard i/N: streams the catalogue, encodes only the shard's items (the others are skipped as they are read) and writes
    /// their IDs as encoded, plus the <see cref="ShardSidecar"/> that lets <c>rqvae merge</c> resolve collisions over all shards
    /// exactly as <c>encode --unique</c> does over the whole file. Memory is one batch, as for a plain encode.
    /// </summary>
    private static int RunShard(CliContext context, ParseResult parse, string modelPath, string itemsPath, string outputPath,
        RqVae.Data.IO.DataFileFormat outputFormat, int batchSize, ItemShard shard, InputOptionSet input, EncodingOptionSet encoding)
    {
        if (batchSize < 1) throw new CliException($"--batch-size must be at least 1 (got {batchSize}).");
        var clock = Stopwatch.StartNew();
        using var model = ModelFolder.Load(modelPath);
        using var encoder = encoding.For(parse, model);
        // Merging resolves collisions in the model's code space on the model's own IDs, as --unique does.
        if (!encoder.IsSavedEncoding)
            throw new CliException($"--shard encodes with the beam the model was saved with ({model.Tokenizer.BeamWidth}), so the merged IDs are those of `encode --unique`; drop --beam {encoder.BeamWidth}, or train the model with --beam-width {encoder.BeamWidth}.", ExitCodes.Usage);
        var source = input.Source(parse, itemsPath);
        using var embedding = input.Embedding(parse, context);
        var tokenizer = model.Tokenizer;
        using var writer = new SemanticIdTableWriter(outputPath, tokenizer.Levels,
            new SemanticIdTableWriterOptions { Format = outputFormat, ModelHash = model.ModelHash });
        using var sidecar = new ShardSidecarWriter(outputPath, model.ModelHash, shard.ToString(), tokenizer.Levels, tokenizer.Codebooks()[^1], tokenizer.CodeDimension);
        var batches = source.ReadBatches(batchSize, embedding, context.Cancellation, shard);
        var rows = new List<long>(batchSize);
        foreach (var (batch, ids, residuals) in StreamingEncoder.EncodeWithLastLevelResiduals(encoder, tokenizer, batches, b => Features(model, b, itemsPath), context.Cancellation))
        {
            writer.WriteBatch(batch.Features.Ids, ids.Codes);
            rows.Clear();
            for (var i = 0; i < batch.Features.Rows; i++) rows.Add(batch.SourceRow(i));
            sidecar.WriteBatch(rows, residuals.Span);
        }
        writer.Complete();
        sidecar.Complete();
        context.Status($"Wrote the IDs of shard {shard} ({writer.Rows:N0} items, {tokenizer.Levels} codes each, {encoder.Description}) to {Path.GetFullPath(outputPath)} and {Path.GetFullPath(ShardSidecar.PathFor(outputPath))} in {clock.Elapsed.TotalSeconds:F1} s; `rqvae merge` joins the shards.");
        return ExitCodes.Success;
    }

    private static ReadOnlyMemory<float> Features(ModelFolder model, FeatureBatch batch, string itemsPath)
    {
        model.CheckDimension(batch.Features.Dimension, itemsPath);
        return batch.Features.Values;
    }

    /// <summary>
    /// --unique: collisions are resolved over the whole catalogue, so this keeps, per item, what the resolver needs and
    /// nothing more: the item id (a string, about 20 + 2 × its length bytes, plus an 8-byte reference), the L encoded
    /// codes (4·L bytes) and, with --reassign, the last-level residual (4 × the code width bytes); the features are
    /// streamed and dropped batch by batch. The resolver then adds its own bookkeeping (an L-code key per item and the
    /// buckets of colliding IDs). The unique table is written in batches from those arrays.
    /// </summary>
    private static int RunUnique(CliContext context, ParseResult parse, string modelPath, string itemsPath, string outputPath,
        RqVae.Data.IO.DataFileFormat outputFormat, int batchSize, InputOptionSet input, EncodingOptionSet encoding, UniqueIds collisions)
    {
        if (batchSize < 1) throw new CliException($"--batch-size must be at least 1 (got {batchSize}).");
        var options = collisions.Options(parse);
        using var model = ModelFolder.Load(modelPath);
        using var encoder = encoding.For(parse, model, context.Error);
        // Collision handling works in the model's code space on the model's own IDs.
        if (!encoder.IsSavedEncoding)
            throw new CliException($"--unique encodes with the beam the model was saved with ({model.Tokenizer.BeamWidth}); drop --beam {encoder.BeamWidth}, or train the model with --beam-width {encoder.BeamWidth}.", ExitCodes.Usage);
        var source = input.Source(parse, itemsPath);
        using var embedding = input.Embedding(parse, context);
        var tokenizer = model.Tokenizer;
        var items = new List<string>();
        var codes = new List<int>();
        var residuals = new List<float>();
        var batches = source.ReadBatches(batchSize, embedding, context.Cancellation);
        var encoded = options.Reassign
            ? StreamingEncoder.EncodeWithLastLevelResiduals(encoder, tokenizer, batches, b => Features(model, b, itemsPath), context.Cancellation)
            : StreamingEncoder.Encode(encoder, batches, b => Features(model, b, itemsPath), context.Cancellation);
        foreach (var (batch, ids, lastResiduals) in encoded)
        {
            items.AddRange(batch.Features.Ids);
            codes.AddRange(ids.Codes);
            residuals.AddRange(lastResiduals.Span);
        }
        var (unique, report) = CollisionResolver.Resolve(new SemanticIdTable([.. codes], tokenizer.Levels),
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(residuals), tokenizer.Codebooks()[^1], options);
        using var writer = new SemanticIdTableWriter(outputPath, unique.Levels,
            new SemanticIdTableWriterOptions { Format = outputFormat, ModelHash = model.ModelHash });
        for (var start = 0; start < items.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, items.Count - start);
            writer.WriteBatch(items.GetRange(start, count), unique.Codes.Slice(start * unique.Levels, count * unique.Levels));
        }
        writer.Complete();
        context.Output.WriteLine(UniqueIds.Describe(report));
        context.Status($"Wrote the unique IDs of {items.Count:N0} items ({unique.Levels} codes each) to {Path.GetFullPath(outputPath)}.");
        return ExitCodes.Success;
    }
}
