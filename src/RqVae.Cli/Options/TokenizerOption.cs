using System.CommandLine;
using RqVae.Cli.Training;
using RqVae.Tokenizers;

namespace RqVae.Cli.Options;

/// <summary><c>--tokenizer NAME</c> (one of the registered kinds), and the plan it makes with the trainer and checkpoint options.</summary>
internal sealed class TokenizerOption
{
    public TokenizerOption(TrainerOptionSet trainer)
    {
        var kinds = TokenizerKinds.All;
        Option = new Option<string>("--tokenizer")
        {
            Description = "What to train: " + string.Join("; ", kinds.Select(k => $"{k.Name} ({k.Summary}; takes {string.Join(", ", trainer.OptionNames(k))})")) +
                          ". encode, eval and similar load any kind.",
            HelpName = string.Join("|", kinds.Select(k => k.Name)),
            DefaultValueFactory = _ => TokenizerKinds.Default.Name,
        };
        Option.AcceptOnlyFromAmong([.. kinds.Select(k => k.Name)]);
    }

    public Option<string> Option { get; }

    /// <summary>The training plan the command line describes, starting from <paramref name="defaults"/> of the chosen kind.</summary>
    public TrainingPlan Plan(ParseResult parse, TrainerOptionSet trainer, Func<ITokenizerKind, object> defaults, CheckpointOptionSet checkpoints)
    {
        ThreadCountLimit.Checked(parse);
        var kind = TokenizerKinds.Get(parse.GetValue(Option)!);
        var schedule = checkpoints.Schedule(parse);
        if (schedule.Resume && !kind.SupportsResume)
            throw new CliException($"--resume applies to {string.Join(" and ", TokenizerKinds.All.Where(k => k.SupportsResume).Select(k => k.DisplayName))} training; " +
                                   $"{kind.DisplayName} keeps no training state to resume: run it again.", ExitCodes.Usage);
        var options = trainer.Apply(parse, kind, defaults(kind));
        return new TrainingPlan(kind, kind.ValidateOptions(options), schedule);
    }
}
