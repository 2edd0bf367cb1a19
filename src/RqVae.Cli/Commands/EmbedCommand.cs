using System.CommandLine;
using System.Diagnostics;
using RqVae.Cli.Input;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Data.Features;
using RqVae.Data.Items;
using RqVae.Data.Text;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae embed TEXTS -o vectors.npy</c>: item texts → all-MiniLM-L6-v2 vectors, cached by content.</summary>
internal static class EmbedCommand
{
    public static Command Create(CliContext context)
    {
        var texts = new Argument<string>("texts") { Description = "Items with an id and text: CSV/TSV, Parquet or JSON Lines." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to write the vectors: .npy (ids go to <name>.ids.txt beside it), .csv/.tsv (id, f0 … f383), .parquet or .jsonl ({\"id\", \"features\"}).",
            Required = true,
        };
        var outputFormat = FormatOption.Create("--output-format", "Format of the vectors file.", "npy", "csv", "tsv", "parquet", "jsonl");
        var format = FormatOption.Create("--format", "Format of the texts file.", "csv", "tsv", "parquet", "jsonl");
        var idColumn = new Option<string>("--id-column") { Description = "Column/field holding the item id.", DefaultValueFactory = _ => "id" };
        var textColumns = new Option<string[]>("--text-column")
        {
            Description = "Column(s)/field(s) holding the text, comma-separated; several are joined with '. '. Default: text.",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = InputOptionSet.SplitCommas,
        };
        var overwrite = OverwriteOption.Create("the vectors file (and its .ids.txt)");
        var shared = new InputOptionSet();
        var command = new Command("embed", "Embed item texts with all-MiniLM-L6-v2 (384-d, run with ONNX Runtime, texts batched by length). " +
                                           "Vectors are cached on disk keyed by content, so a second run over the same texts is instant.")
        {
            texts, output, outputFormat, overwrite, format, idColumn, textColumns, shared.EmbeddingCache, shared.NoEmbeddingCache, shared.EmbedThreads,
        };
        command.SetAction(parse =>
        {
            var vectorsPath = parse.GetValue(output)!;
            using var claim = ExistingOutput.Claim(vectorsPath, parse.GetValue(overwrite), [parse.GetValue(texts)!],
                FeatureFileWriter.Companions(vectorsPath, parse.GetValue(outputFormat)));
            var columns = parse.GetValue(textColumns) is { Length: > 0 } given ? given : ["text"];
            var path = parse.GetValue(texts)!;
            var items = ItemTextReader.ReadAll(path, new ItemTextReaderOptions { Format = parse.GetValue(format), IdColumn = parse.GetValue(idColumn)!, TextColumns = columns });
            var clock = Stopwatch.StartNew();
            using var embedding = shared.Embedding(parse, context);
            var vectors = embedding.Embed([.. items.Select(i => i.Text)], $"embedding {items.Count:N0} texts");
            var outputPath = parse.GetValue(output)!;
            FeatureFileWriter.Write(outputPath, parse.GetValue(outputFormat), [.. items.Select(i => i.Id)], vectors, embedding.Dimension);
            context.Status($"Embedded {items.Count:N0} texts into {embedding.Dimension}-d vectors in {clock.Elapsed.TotalSeconds:F1} s → {Path.GetFullPath(outputPath)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
