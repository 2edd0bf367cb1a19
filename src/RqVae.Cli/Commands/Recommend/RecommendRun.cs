using System.Text.Json;
using RqVae.IO;
using RqVae.Recommender;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// <c>run.json</c> of a <c>recommend train</c> folder: where the data came from, the split settings, the kind and seed,
/// so that <c>recommend eval</c> and <c>recommend for</c> rebuild exactly the split the model was trained on.
/// </summary>
internal sealed record RecommendRun
{
    public const string FileName = "run.json";

    public const string ModelFolder = "model";

    public const string CheckpointFolder = "checkpoint";

    public required RecommendSource Source { get; init; }

    public required string Kind { get; init; }

    public required long Seed { get; init; }

    public double TrainingSeconds { get; init; }

    public void Write(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, RecommenderConfig.JsonOptions));

    public static RecommendRun Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new CliException($"'{directory}' is not a recommender folder (no {FileName}). Pass a folder that `rqvae recommend train` wrote.");
        try
        {
            return JsonSerializer.Deserialize<RecommendRun>(File.ReadAllText(path), RecommenderConfig.JsonOptions)
                ?? throw new CliException($"'{path}' is empty.");
        }
        catch (JsonException e)
        {
            throw new CliException($"'{path}' is not a valid run record ({e.Message}). Train the recommender again.");
        }
    }
}
