using RqVae.Data.Features;
using RqVae.Recommender;
using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// <c>rqvae movielens --recommend</c>: the run's IDs put to work. The recommender's split is cut before the tokenizer is
/// trained, so the tokenizer is fit on the movies the recommender trains on and the held-out ones are encoded as new
/// items; then the recommender is trained on the IDs (and the movies' feature vectors, for a dense head), scored on the
/// protocol, saved with its predictions in the run folder, and a few users' recommendations are printed with titles.
/// </summary>
internal sealed class MovieLensRecommendation
{
    /// <summary>
    /// The kind trained when none is named: generative retrieval on the run's semantic IDs, decoder-only, whose epoch on
    /// MovieLens costs a tenth of the encoder-decoder's at no measured loss (BENCHMARKS.md, TIGER).
    /// </summary>
    public const string DefaultKind = RqVae.Recommender.Tiger.DecoderOnly.TigerDecoderKind.KindName;

    /// <summary>The recommender's folder inside the run folder (a <c>rqvae recommend train</c> folder: eval and for work on it).</summary>
    public const string Folder = "recommender";

    private const int UsersShown = 3;
    private readonly IRecommenderKind kind;
    private readonly object options;
    private RecommendSource? source;

    private MovieLensRecommendation(IRecommenderKind kind, object options) => (this.kind, this.options) = (kind, options);

    /// <summary>Checks the kind and its settings before anything is trained, so a typo costs nothing.</summary>
    public static MovieLensRecommendation Plan(string kindName, IReadOnlyList<string> settings)
    {
        var kind = RecommendCommand.KindNamed(kindName);
        return new MovieLensRecommendation(kind, KindSettings.Apply(kind, settings));
    }

    /// <summary>The protocol's split of the MovieLens ratings (default split settings, the data in <paramref name="dataDir"/>).</summary>
    public RecommenderSplit Split(string? dataDir)
    {
        source = new RecommendSource { DataDir = dataDir is null ? null : Path.GetFullPath(dataDir) };
        return source.Load().Split;
    }

    /// <summary>The rows of <paramref name="features"/> (ids are movie ids) whose movie the recommender trains on.</summary>
    public static FeatureMatrix WarmRows(FeatureMatrix features, RecommenderSplit split)
    {
        var rows = Enumerable.Range(0, features.Rows).Where(r => int.TryParse(features.Ids[r], out var key) && split.IndexOf(key) is var i && i >= 0 && !split.IsCold(i)).ToArray();
        var values = new float[rows.Length * features.Dimension];
        for (var r = 0; r < rows.Length; r++) features.Row(rows[r]).CopyTo(values.AsSpan(r * features.Dimension, features.Dimension));
        return new FeatureMatrix([.. rows.Select(r => features.Ids[r])], values, features.Dimension);
    }

    /// <summary>Trains, scores and saves the recommender in <paramref name="runFolder"/>/<see cref="Folder"/> and prints recommendations.</summary>
    public void Run(CliContext context, string runFolder, string idsPath, FeatureMatrix features, long seed = 1)
    {
        var withIds = (source ?? throw new InvalidOperationException("Split must be called first.")) with { Ids = idsPath };
        var data = withIds.Load();
        data = data with { ItemEmbeddings = ItemSideData.AlignEmbeddings(features.Ids, features.Values, features.Dimension, data.Split.ItemKeys, "the movies' features") };
        var directory = Path.Combine(runFolder, Folder);
        var partial = directory + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        using (var fitted = RecommendPipeline.Train(context, kind, options, withIds, data, seed, partial, resume: false))
        {
            var checkpoints = Path.Combine(partial, RecommendRun.CheckpointFolder);
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            Directory.Move(partial, directory);
            RecommendPipeline.Evaluate(context, fitted, RecommendRun.Read(directory), data, Path.Combine(directory, PredictionsFile.FileName));
            // A few test questions as the protocol asks them: two users, and one whose next movie is a held-out (new) one.
            var split = data.Split;
            foreach (var question in split.Test.Take(UsersShown - 1).Concat(split.ColdTest.Take(1)).DistinctBy(c => c.User))
                RecommendPipeline.PrintRecommendations(context, data, fitted, kind.DisplayName, $"User {split.UserKeys[question.User]}", question.History, 10, question.Target);
        }
        context.Output.WriteLine($"Recommender: {directory} (`rqvae recommend for {directory} --user U` recommends for any user).");
    }
}
