using System.CommandLine;
using RqVae.Cli.Input;
using RqVae.Cli.Options;
using RqVae.Cli.Training;
using RqVae.Training;

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
        var checkpoints = new CheckpointOptionSet();
        var input = new InputOptionSet();
        var trainer = new TrainerOptionSet(new RqVaeTrainerOptions());
        var command = new Command("train", "Train an RQ-VAE on a catalogue and write the model folder, its metrics and an HTML report. " +
                                          "Every trainer setting is an option; Ctrl-C stops cleanly and keeps the last complete checkpoint.")
        {
            items, output,
        };
        checkpoints.AddTo(command);
        input.AddTo(command);
        trainer.AddTo(command);
        command.SetAction(parse => Run(context, parse, parse.GetValue(items)!, parse.GetValue(output)!, checkpoints.Plan(parse), input, trainer));
        return command;
    }

    private static int Run(CliContext context, ParseResult parse, string itemsPath, string outputPath, CheckpointPlan checkpoints,
        InputOptionSet input, TrainerOptionSet trainer)
    {
        var options = trainer.Apply(parse, new RqVaeTrainerOptions()).Validate();
        var source = input.Source(parse, itemsPath);
        using var embedding = input.Embedding(parse, context);
        var data = source.LoadAll(embedding);
        context.Status($"Read {data.Rows:N0} items × {data.Dimension} values: {source.Describe(source.IsText ? embedding : null)}.");

        var directory = new ModelDirectory(outputPath);
        var facts = new Dictionary<string, string> { ["source"] = Path.GetFullPath(itemsPath) };
        if (source.IsText) facts["embedder"] = embedding.ModelId;
        using var model = TrainingPipeline.Run(context, options, data, directory, facts, checkpoints, $"RQ-VAE on {Path.GetFileName(itemsPath)}");
        if (model is null) return ExitCodes.Cancelled;
        TrainingPipeline.PrintSummary(context, model, directory, model.Cancelled ? "Metrics of the kept checkpoint" : "Metrics on the training items");
        return model.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }
}
