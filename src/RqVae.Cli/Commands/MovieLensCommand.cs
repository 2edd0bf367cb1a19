using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RqVae.Cli.Commands.Recommend;
using RqVae.Cli.Demo;
using RqVae.Cli.Ids;
using RqVae.Cli.Options;
using RqVae.Cli.Output;
using RqVae.Cli.Training;
using RqVae.Data.Features;
using RqVae.Data.IdTables;
using RqVae.Datasets.MovieLens;
using RqVae.Model;
using RqVae.SemanticIds;
using RqVae.Tokenizers;
using RqVae.Training;

namespace RqVae.Cli.Commands;

/// <summary>
/// <c>rqvae movielens</c>: the whole job on real data in one command — fetch MovieLens, embed the
/// movies' text, train, assign IDs, print the summary, write the report and the ID table, and show the
/// similar movies of a few well-known titles.
/// </summary>
internal static class MovieLensCommand
{
    /// <summary>Well-known titles whose neighbours are shown when no --query is given.</summary>
    internal static readonly string[] DefaultQueries = ["Toy Story", "The Matrix", "The Godfather", "Pulp Fiction", "Schindler's List"];

    /// <summary>The demo trains with the library's defaults, but also measures every 10 epochs for the report's curves.</summary>
    internal static object DefaultTrainerOptions(ITokenizerKind kind) => kind.CreateDefaultOptions() switch
    {
        RqVaeTrainerOptions rqvae => rqvae with { EvaluateEvery = 10 },
        var other => other,
    };

    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Folder for the run: model/ (weights, metrics, report.html), ids.csv, movies.csv.",
            DefaultValueFactory = _ => "movielens-run",
        };
        var features = new Option<MovieFeatureKind>("--features")
        {
            Description = "text: MiniLM embeddings of \"Title (year). Genres: a, b\"; genres: genre indicators + year (no text model, fast).",
            DefaultValueFactory = _ => MovieFeatureKind.Text,
        };
        var minRatings = new Option<int>("--min-ratings")
        {
            Description = "Keep only movies with at least this many ratings (20 keeps 1,303 of 9,066). Default 0: all movies.",
            DefaultValueFactory = _ => 0,
        };
        var queries = new Option<string[]>("--query", "-q")
        {
            Description = $"Titles whose similar movies to show (repeatable). Default: {string.Join("; ", DefaultQueries)}.",
        };
        var top = new Option<int>("--top", "-n") { Description = "Similar movies shown per title.", DefaultValueFactory = _ => 5 };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"Where the Debian package and its unpacked data are kept. Default: {MovieLensOptions.DefaultCacheDirectory()} (${MovieLensOptions.DataDirectoryVariable} when set).",
        };
        var checkpoints = new CheckpointOptionSet();
        var overwrite = OverwriteOption.Create("the run folder");
        var input = new InputOptionSet();
        var trainer = new TrainerOptionSet(TokenizerKinds.All, DefaultTrainerOptions);
        var tokenizer = new TokenizerOption(trainer);
        var collisions = new UniqueIds();
        var serve = new Option<bool>("--serve")
        {
            Description = $"Then serve the run's IDs: import them with the titles into {Serving.RunCatalogue.FileName} in the run folder and start `rqvae serve` on it " +
                          "(the page at the printed URL). A finished run in the folder is served as it is, without re-running (add --overwrite to re-run).",
        };
        var urls = new Option<string>("--urls") { Description = "With --serve: where to listen.", DefaultValueFactory = _ => RqVae.Service.CatalogueServiceOptions.DefaultUrls };
        var recommend = new Option<bool>("--recommend")
        {
            Description = $"Then put the IDs to work: train a next-item recommender ({MovieLensRecommendation.DefaultKind} by default, --recommender) on the ratings with the IDs, " +
                          $"score it on the leave-last-out protocol, write {MovieLensRecommendation.Folder}/ (model, predictions.csv) and show a few users' recommendations. " +
                          "The tokenizer is then fit on the 95 % of movies the recommender trains on; the 5 % held out are encoded as new items.",
        };
        var recommender = new Option<string>("--recommender") { Description = "With --recommend: the recommender kind (see `rqvae recommend train --help`).", DefaultValueFactory = _ => MovieLensRecommendation.DefaultKind };
        var recommenderSet = new Option<string[]>("--recommender-set") { Description = "With --recommend: one setting of the recommender, name=value (repeatable), as `rqvae recommend train --set`." };
        var command = new Command("movielens", "The whole pipeline on MovieLens (GroupLens latest-small, 9,066 movies, fetched from Debian's r-cran-dslabs): " +
                                               "fetch → embed → train → IDs → summary → report + ID table → similar movies.")
        {
            output, overwrite, tokenizer.Option, features, minRatings, queries, top, dataDir, input.EmbeddingCache, input.NoEmbeddingCache, input.EmbedThreads, serve, urls,
            recommend, recommender, recommenderSet,
        };
        command.Aliases.Add("demo");
        checkpoints.AddTo(command);
        trainer.AddTo(command);
        collisions.AddTo(command);
        command.SetAction(parse => RunAndServe(context, parse, collisions.Options(parse), parse.GetValue(serve), parse.GetValue(urls)!, new Settings(
            parse.GetValue(output)!, parse.GetValue(features), parse.GetValue(minRatings), parse.GetValue(queries) is { Length: > 0 } q ? q : DefaultQueries,
            parse.GetValue(top), parse.GetValue(dataDir), tokenizer.Plan(parse, trainer, DefaultTrainerOptions, checkpoints), parse.GetValue(overwrite),
            parse.GetValue(recommend) ? MovieLensRecommendation.Plan(parse.GetValue(recommender)!, parse.GetValue(recommenderSet) ?? []) : null), input));
        return command;
    }

    private sealed record Settings(string Output, MovieFeatureKind Features, int MinRatings, string[] Queries, int Top, string? DataDir, TrainingPlan Plan, bool Overwrite,
        MovieLensRecommendation? Recommendation);

    /// <summary>The training state of an interrupted run, relative to the run folder.</summary>
    private static readonly string ResumeMarker = Path.Combine("model", ModelDirectory.TrainingStateFile);

    private static int RunAndServe(CliContext context, ParseResult parse, CollisionOptions collisionOptions, bool serve, string urls, Settings settings, InputOptionSet input)
    {
        if (!serve) return Run(context, parse, collisionOptions, settings, input);
        var finished = File.Exists(Path.Combine(settings.Output, "model", "config.json")) && File.Exists(Path.Combine(settings.Output, "ids.csv"))
            && File.Exists(Path.Combine(settings.Output, "movies.csv")) && !File.Exists(Path.Combine(settings.Output, ResumeMarker));
        if (finished && !settings.Overwrite) context.Status($"Serving the finished run in {Path.GetFullPath(settings.Output)} (add --overwrite to re-run it).");
        else
        {
            var code = Run(context, parse, collisionOptions, settings, input);
            if (code != ExitCodes.Success) return code;
        }
        var modelPath = Path.Combine(settings.Output, "model");
        string store;
        using (var model = RqVae.Service.ServedModel.Load(modelPath))
        {
            var (path, items) = Serving.RunCatalogue.PrepareAsync(settings.Output, model, context.Cancellation).GetAwaiter().GetResult();
            context.Status($"Catalogue: {items:N0} movies with their IDs and titles in {path}.");
            store = path;
        }
        return ServeCommand.Run(context, modelPath, store, new RqVae.Service.CatalogueServiceOptions { Urls = urls });
    }

    private static int Run(CliContext context, ParseResult parse, CollisionOptions collisionOptions, Settings settings, InputOptionSet input)
    {
        if (settings.MinRatings < 0) throw new CliException($"--min-ratings must be 0 or more (got {settings.MinRatings}).");
        if (settings.Top < 1) throw new CliException($"--top must be at least 1 (got {settings.Top}).");
        if (settings.Recommendation is not null && settings.MinRatings > 0)
            throw new CliException("--recommend ranks the whole catalogue of the ratings; drop --min-ratings (or run `rqvae recommend` on your own ID table).", ExitCodes.Usage);
        using var folder = OutputFolder.Open(settings.Output, settings.Overwrite, settings.Plan.Checkpoints.Resume, ResumeMarker, ToolFolderKind.MovieLensRun,
            settings.DataDir is null ? [] : [settings.DataDir]);
        try
        {
            return Run(context, parse, collisionOptions, settings, input, folder);
        }
        catch
        {
            folder.Abandon(ResumeMarker);
            throw;
        }
    }

    private static int Run(CliContext context, ParseResult parse, CollisionOptions collisionOptions, Settings settings, InputOptionSet input,
        OutputFolder folder)
    {
        var clock = Stopwatch.StartNew();

        // 1. Fetch.
        var dataOptions = settings.DataDir is null ? new MovieLensOptions() : new MovieLensOptions { CacheDirectory = settings.DataDir };
        context.Status($"Loading MovieLens from {dataOptions.CacheDirectory} (downloaded with apt-get the first time)…");
        var dataset = MovieLensDataset.Load(dataOptions);
        var movies = settings.MinRatings > 0 ? dataset.MoviesWithAtLeastRatings(settings.MinRatings) : dataset.Movies;
        context.Status($"MovieLens: {dataset.Movies.Count:N0} movies, {dataset.Ratings.Count:N0} ratings by {dataset.UserCount:N0} users; using {movies.Count:N0} movies. " +
                       "Data: GroupLens Research (Harper & Konstan 2015), research use only.");
        var runDirectory = folder.WorkingPath;
        MovieCatalogueFile.Write(Path.Combine(runDirectory, "movies.csv"), movies);

        // 2. Features.
        using var embedding = input.Embedding(parse, context);
        var ids = movies.Select(m => m.MovieId.ToString(CultureInfo.InvariantCulture)).ToArray();
        var facts = new Dictionary<string, string>
        {
            ["source"] = $"MovieLens latest-small (GroupLens) via Debian r-cran-dslabs, {movies.Count} movies" + (settings.MinRatings > 0 ? $" with ≥ {settings.MinRatings} ratings" : ""),
            ["features"] = settings.Features.ToString(),
        };
        FeatureMatrix data;
        var embedClock = Stopwatch.StartNew();
        if (settings.Features == MovieFeatureKind.Text)
        {
            var vectors = embedding.Embed([.. movies.Select(m => MovieLensDataset.MovieText(m))], $"embedding {movies.Count:N0} movie texts");
            data = new FeatureMatrix(ids, vectors, embedding.Dimension);
            facts["embedder"] = embedding.ModelId;
            facts["text"] = "Title (year). Genres: a, b";
            context.Status($"Embedded {movies.Count:N0} texts in {embedClock.Elapsed.TotalSeconds:F1} s (cached for the next run).");
        }
        else
        {
            var (values, dimension, _) = MovieFeatures.GenresAndYear(movies);
            data = new FeatureMatrix(ids, values, dimension);
        }

        embedding.Release();

        // 3. Train (model, metrics, report): on every movie, or with --recommend on those the recommender may train on.
        var split = settings.Recommendation?.Split(settings.DataDir);
        var training = split is null ? data : MovieLensRecommendation.WarmRows(data, split);
        var genres = movies.Where(m => split is null || !split.IsCold(split.IndexOf(m.MovieId))).Select(m => m.Genres).ToArray();
        if (split is not null)
            context.Status($"Fitting the tokenizer on the {training.Rows:N0} movies the recommender trains on; the {data.Rows - training.Rows:N0} held out are encoded as new items.");
        GenreAgreement? agreement = null;
        var directory = new ModelDirectory(Path.Combine(runDirectory, "model"), Path.Combine(folder.Path, "model"));
        var trainClock = Stopwatch.StartNew();
        using var model = TrainingPipeline.Run(context, settings.Plan, training, directory, facts,
            $"{settings.Plan.DisplayName} semantic IDs for MovieLens ({movies.Count:N0} movies, {settings.Features.ToString().ToLowerInvariant()} features)",
            table =>
            {
                agreement = GenreAgreement.Compute(genres, table.Codes, table.Levels);
                return [agreement.ToString()];
            });
        if (model is null)
        {
            folder.Abandon(ResumeMarker);
            return ExitCodes.Cancelled;
        }
        var trainSeconds = trainClock.Elapsed.TotalSeconds;

        // 4. IDs, made unique: colliding movies move to a free last-level code when one is near, the rest get a 4th code.
        var (uniqueIds, collisions) = UniqueIds.Resolve(model.Tokenizer, ids, data.Values, collisionOptions);
        var table = uniqueIds.WithItems(ids, model.ModelHash);
        SemanticIdTableWriter.Write(Path.Combine(runDirectory, "ids.csv"), table);
        var baseIds = table.Prefixes(model.Tokenizer.Levels);

        // 5. Summary, once the run folder is in place.
        TrainingPipeline.Commit(folder, ResumeMarker, model);
        var idsPath = Path.Combine(folder.Path, "ids.csv");
        var moviesPath = Path.Combine(folder.Path, "movies.csv");
        TrainingPipeline.PrintSummary(context, model, directory, model.Cancelled ? "MovieLens: metrics of the kept checkpoint" : "MovieLens: metrics per level and per ID");
        context.Output.WriteLine(agreement!.ToString());
        context.Output.WriteLine(UniqueIds.Describe(collisions));
        context.Output.WriteLine($"IDs:    {idsPath}");
        context.Output.WriteLine($"Movies: {moviesPath}");

        // 6. Similar movies.
        var titles = movies.Select(MovieCatalogueFile.DisplayName).ToArray();
        var search = new TitleSearch(titles);
        var codebooks = model.Tokenizer.Codebooks();
        var index = new SemanticIdIndex(baseIds, codebooks, model.Tokenizer.CodeDimension);
        foreach (var query in settings.Queries)
        {
            if (search.Find(query) is not { } row)
            {
                context.Output.WriteLine($"No movie title contains \"{query}\".");
                continue;
            }
            SimilarItemsView.Write(context.Console, $"Similar to {titles[row]} [{string.Join(", ", movies[row].Genres)}] — ID {uniqueIds.Format(row)}",
                index.SimilarTo(row, settings.Top), baseIds, ids, r => $"{titles[r]} [{string.Join(", ", movies[r].Genres)}]",
                codebooks, model.Tokenizer.CodeDimension, baseIds[row]);
        }
        // 7. The recommender on the IDs.
        if (settings.Recommendation is { } recommendation && !model.Cancelled)
            recommendation.Run(context, folder.Path, idsPath, data);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done in {clock.Elapsed.TotalSeconds:F0} s (training {trainSeconds:F0} s). Open {directory.DisplayFilePath(ModelDirectory.ReportFile)} in a browser."));
        return model.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }
}
