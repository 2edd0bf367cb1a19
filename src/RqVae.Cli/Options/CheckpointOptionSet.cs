using System.CommandLine;
using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.Cli.Options;

/// <summary>The checkpoint and resume options of <c>train</c> and <c>movielens</c>.</summary>
internal sealed class CheckpointOptionSet
{
    public Option<int> EveryEpochs { get; } = new("--checkpoint-every")
    {
        Description = $"Every N epochs, checkpoint into the model folder: the weights (the folder then loads as that model) and {ModelDirectory.TrainingStateFile}, " +
                      "the complete training state that --resume continues from. Ctrl-C or a crash keeps the last complete checkpoint. 0: only the final model.",
        DefaultValueFactory = _ => 1,
    };

    public Option<long> EverySteps { get; } = new("--checkpoint-every-steps")
    {
        Description = $"Also write {ModelDirectory.TrainingStateFile} every N optimizer steps (for long epochs; the weights are still saved per epoch). 0: off.",
        DefaultValueFactory = _ => 0,
    };

    public Option<bool> Resume { get; } = new("--resume")
    {
        Description = $"Continue the interrupted run in the output folder from its {ModelDirectory.TrainingStateFile}, with the same data and trainer settings " +
                      "(a run with other settings or data is refused). It ends with exactly the weights and IDs of an uninterrupted run.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(EveryEpochs);
        command.Options.Add(EverySteps);
        command.Options.Add(Resume);
    }

    public CheckpointSchedule Schedule(ParseResult parse)
    {
        var everyEpochs = parse.GetValue(EveryEpochs);
        var everySteps = parse.GetValue(EverySteps);
        if (everyEpochs < 0) throw new CliException($"--checkpoint-every must be 0 or more (got {everyEpochs}).", ExitCodes.Usage);
        if (everySteps < 0) throw new CliException($"--checkpoint-every-steps must be 0 or more (got {everySteps}).", ExitCodes.Usage);
        return new CheckpointSchedule(everyEpochs, everySteps, parse.GetValue(Resume));
    }
}
