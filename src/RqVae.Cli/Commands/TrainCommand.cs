using System.CommandLine;
using RqVae.Cli.Input;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Cli.Training;
using RqVae.Data.Items;
using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.Cli.Commands;

/// <summary><c>rqvae train ITEMS -o MODEL</c>: features or texts → a trained model directory with metrics and a report.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var items = new Argument<string>("items")
        {
            Description = "The catalogue: .npy, CSV/TSV (id + feature columns, or a text column with --text-column), Parquet or JSON Lines.",
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Model folder to write (config.json, model.safetensors, training.json, metrics.json, report.html).",
            Required = true,
        };
        var overwrite = OverwriteOption.Create("the model folder");
        var checkpoints = new CheckpointOptionSet();
        var input = new InputOptionSet();
        var trainer = new TrainerOptionSet(TokenizerKinds.All, kind => kind.CreateDefaultOptions());
        var tokenizer = new TokenizerOption(trainer);
        var command = new Command("train", "Train a tokenizer (an RQ-VAE, or residual k-means with --tokenizer residual-kmeans) on a catalogue and write the model folder, " +
                                          "its metrics and an HTML report. Every trainer setting is an option; Ctrl-C stops cleanly and keeps the last complete checkpoint, " +
                                          "which --resume continues from.")
        {
            items, output, overwrite, tokenizer.Option,
        };
        checkpoints.AddTo(command);
        input.AddTo(command);
        trainer.AddTo(command);
        command.SetAction(parse => Run(context, parse, parse.GetValue(items)!, parse.GetValue(output)!, parse.GetValue(overwrite),
            tokenizer.Plan(parse, trainer, kind => kind.CreateDefaultOptions(), checkpoints), input));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string itemsPath, string outputPath, bool overwrite, TrainingPlan plan, InputOptionSet input)
    {
        var source = input.Source(parse, itemsPath);
        using var folder = OutputFolder.Open(outputPath, overwrite, plan.Checkpoints.Resume, ModelDirectory.TrainingStateFile, ToolFolderKind.Model,
            OutputPlacement.ItemInputs(itemsPath, parse.GetValue(input.IdsFile)));
        try
        {
            return Train(context, itemsPath, folder, plan, source, input.Embedding(parse, context));
        }
        catch
        {
            folder.Abandon(ModelDirectory.TrainingStateFile);
            throw;
        }
    }

    private static int Train(CliContext context, string itemsPath, OutputFolder folder, TrainingPlan plan, ItemSource source, TextEmbedding textEmbedding)
    {
        using var embedding = textEmbedding;
        TestKillPoint.Reach("start");
        // A .npy header states the matrix's shape: a run that cannot fit is refused before gigabytes are read.
        var shape = source.HeaderShape();
        if (shape is { } s) TrainingPipeline.CheckMemory(context, plan, s.Rows, s.Dimension, featuresLoaded: false);
        var data = source.LoadAll(embedding);
        context.Status($"Read {data.Rows:N0} items × {data.Dimension} values: {source.Describe(source.IsText ? embedding : null)}.");

        var directory = new ModelDirectory(folder.WorkingPath, folder.Path);
        var facts = new Dictionary<string, string> { ["source"] = Path.GetFullPath(itemsPath) };
        if (source.IsText) facts["embedder"] = embedding.ModelId;
        embedding.Release();
        using var model = TrainingPipeline.Run(context, plan, data, directory, facts, $"{plan.DisplayName} on {Path.GetFileName(itemsPath)}",
            memoryShown: shape is not null);
        if (model is null)
        {
            folder.Abandon(ModelDirectory.TrainingStateFile);
            return ExitCodes.Cancelled;
        }
        TrainingPipeline.Commit(folder, ModelDirectory.TrainingStateFile, model);
        TrainingPipeline.PrintSummary(context, model, directory, model.Cancelled ? "Metrics of the kept checkpoint" : "Metrics on the training items");
        return model.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }
}
