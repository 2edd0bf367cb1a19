using System.CommandLine;
using RqVae.Cli.Training;

namespace RqVae.Cli.Options;

/// <summary><c>--tokenizer rqvae|residual-kmeans</c>, and the plan it makes with the trainer and checkpoint options.</summary>
internal sealed class TokenizerOption
{
    public TokenizerOption(TrainerOptionSet trainer)
    {
        Option = new Option<string>("--tokenizer")
        {
            Description = "What to train: rqvae (the RQ-VAE: encoder, residual quantizer, decoder) or residual-kmeans (k-means on the inputs, then on the residuals, " +
                          $"level by level; no network, seconds to fit; takes only {string.Join(", ", trainer.ResidualKMeansOptionNames)}). " +
                          "encode, eval and similar load either kind.",
            HelpName = "rqvae|residual-kmeans",
            DefaultValueFactory = _ => "rqvae",
        };
        Option.AcceptOnlyFromAmong("rqvae", "residual-kmeans");
    }

    public Option<string> Option { get; }

    /// <summary>The training plan the command line describes, starting from <paramref name="defaults"/> for the RQ-VAE.</summary>
    public TrainingPlan Plan(ParseResult parse, TrainerOptionSet trainer, RqVae.Training.RqVaeTrainerOptions defaults, CheckpointOptionSet checkpoints)
    {
        var kind = parse.GetValue(Option) == "residual-kmeans" ? TokenizerKind.ResidualKMeans : TokenizerKind.RqVae;
        var plan = checkpoints.Plan(parse);
        if (kind == TokenizerKind.ResidualKMeans)
        {
            if (plan.Resume)
                throw new CliException("--resume applies to RQ-VAE training; residual k-means has no training state to resume (it fits in seconds: run it again).", ExitCodes.Usage);
            return new TrainingPlan(kind, defaults, trainer.ResidualKMeans(parse).Validate(), plan);
        }
        return new TrainingPlan(kind, trainer.Apply(parse, defaults).Validate(), new RqVae.ResidualKMeans.ResidualKMeansOptions(), plan);
    }
}
