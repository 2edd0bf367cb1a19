using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using RqVae.Recommender;
using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;
using static TorchSharp.torch;

namespace RqVae.Cli.Commands.Recommend;

/// <summary>
/// <c>rqvae recommend train|eval|for|bench</c>: next-item recommenders (baselines, SASRec, generative retrieval on
/// semantic IDs) trained and scored on one leave-last-out split of the ratings.
/// </summary>
internal static class RecommendCommand
{
    public static Command Create(CliContext context) => new("recommend", "Next-item recommenders on the ratings: train one, evaluate it (HR/NDCG, predictions.csv), recommend for a user or a history, or benchmark every kind.")
    {
        Train(context), Eval(context), For(context), Bench(context),
    };

    private sealed class SourceOptions
    {
        public Option<string?> Ratings { get; } = new("--ratings") { Description = "A ratings CSV (userId,movieId,rating,timestamp). Default: MovieLens latest-small through the MovieLens loader." };
        public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Where the MovieLens data is kept (as for `rqvae movielens`)." };
        public Option<string?> Items { get; } = new("--items") { Description = "A file with the items' titles (CSV/TSV, Parquet or JSON Lines) to show with recommendations; MovieLens brings its own." };
        public Option<string> ItemIdColumn { get; } = new("--id-column") { Description = "Column of --items holding the item id.", DefaultValueFactory = _ => "id" };
        public Option<string> TitleColumn { get; } = new("--title-column") { Description = "Column of --items holding the title.", DefaultValueFactory = _ => "title" };
        public Option<string?> ItemFeatures { get; } = new("--item-features") { Description = "The items' content vectors (.npy, CSV, Parquet or JSON Lines keyed by item id, e.g. `rqvae embed` output), for kinds with a dense head (TIGER's LIGER ranking: on by default for tiger-decoder, --set dense_weight=… for tiger)." };
        public Option<double> ColdFraction { get; } = new("--cold-fraction") { Description = "Share of the catalogue held out as new items (never in training).", DefaultValueFactory = _ => new SplitOptions().ColdItemFraction };
        public Option<int> SplitSeed { get; } = new("--split-seed") { Description = "Seeds the choice of held-out items (fixed across model seeds).", DefaultValueFactory = _ => new SplitOptions().SplitSeed };
        public Option<int> MaxHistory { get; } = new("--max-history") { Description = "Longest history of a training example.", DefaultValueFactory = _ => new SplitOptions().MaxHistory };

        public IEnumerable<Option> All => [Ratings, DataDir, Items, ItemIdColumn, TitleColumn, ItemFeatures, ColdFraction, SplitSeed, MaxHistory];

        public RecommendSource Read(ParseResult parse, string? ids)
        {
            var split = new SplitOptions { ColdItemFraction = parse.GetValue(ColdFraction), SplitSeed = parse.GetValue(SplitSeed), MaxHistory = parse.GetValue(MaxHistory) };
            try
            {
                split.Validate();
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message.Replace("ColdItemFraction", "--cold-fraction", StringComparison.Ordinal).Replace("MaxHistory", "--max-history", StringComparison.Ordinal), ExitCodes.Usage);
            }
            return new RecommendSource
            {
                Ratings = Full(parse.GetValue(Ratings)),
                DataDir = Full(parse.GetValue(DataDir)),
                Ids = Full(ids),
                Items = Full(parse.GetValue(Items)),
                ItemFeatures = Full(parse.GetValue(ItemFeatures)),
                ItemIdColumn = parse.GetValue(ItemIdColumn)!,
                TitleColumn = parse.GetValue(TitleColumn)!,
                Split = split,
            };
        }

        private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);
    }

    private static Option<int> ThreadsOption() => new("--threads") { Description = "Torch threads (0 = LibTorch's default). Same seed and threads give the same model.", DefaultValueFactory = _ => 0 };

    private static void ApplyThreads(ParseResult parse, Option<int> threads)
    {
        var n = parse.GetValue(threads);
        Options.ThreadCountLimit.Check("--threads", n, minimum: 0);
        if (n > 0) set_num_threads(n);
    }

    internal static IRecommenderKind KindNamed(string name) => RecommenderKinds.Find(name)
        ?? throw new CliException($"--kind {name}: not a recommender kind; known kinds: {string.Join(", ", RecommenderKinds.All.Select(k => k.Name))}.", ExitCodes.Usage);

    private static Command Train(CliContext context)
    {
        var source = new SourceOptions();
        var ids = new Option<string?>("--ids") { Description = "The items' semantic ID table (`rqvae encode --unique`), for kinds that generate IDs." };
        var kind = new Option<string>("--kind") { Description = $"The recommender: {string.Join(", ", RecommenderKinds.All.Select(k => k.Name))}.", DefaultValueFactory = _ => "sasrec" };
        var output = new Option<string>("--output", "-o") { Description = "The folder to write (run.json, model/).", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seeds training.", DefaultValueFactory = _ => 1 };
        var set = new Option<string[]>("--set") { Description = "Changes one setting of the kind, name=value (repeatable); `--set help=1` lists them." };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run from its checkpoint in the output folder." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an output folder that `recommend train` wrote before." };
        var threads = ThreadsOption();
        var command = new Command("train", "Train a recommender on the training part of the split (validation for early stopping) and save it.") { ids, kind, output, seed, set, resume, overwrite, threads };
        foreach (var o in source.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            ApplyThreads(parse, threads);
            var k = KindNamed(parse.GetValue(kind)!);
            var options = KindSettings.Apply(k, parse.GetValue(set) ?? []);
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            var isResume = parse.GetValue(resume);
            PrepareOutput(directory, parse.GetValue(overwrite), isResume);
            var src = source.Read(parse, parse.GetValue(ids));
            if (k.NeedsSemanticIds && src.Ids is null) throw new CliException($"--kind {k.Name} generates semantic IDs: pass the items' ID table with --ids TABLE.", ExitCodes.Usage);
            var data = src.Load();
            using var fitted = RecommendPipeline.Train(context, k, options, src, data, parse.GetValue(seed), directory, isResume);
            context.Output.WriteLine($"Saved in {directory}. Next: rqvae recommend eval {directory}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrepareOutput(string directory, bool overwrite, bool resume)
    {
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        var ours = File.Exists(Path.Combine(directory, RecommendRun.FileName)) || Directory.Exists(Path.Combine(directory, RecommendRun.CheckpointFolder));
        if (resume && ours) return;
        if (!overwrite) throw new CliException($"'{directory}' exists and is not empty. Pass --overwrite to replace a recommender folder, --resume to continue one, or choose another -o.");
        if (!ours) throw new CliException($"'{directory}' was not written by `rqvae recommend train`; --overwrite only replaces recommender folders. Choose another -o.");
        Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
    }

    private static Command Eval(CliContext context)
    {
        var folder = new Argument<string>("dir") { Description = "A folder that `rqvae recommend train` wrote." };
        var predictions = new Option<string?>("--predictions") { Description = "Where to write predictions.csv (default: inside the folder)." };
        var threads = ThreadsOption();
        var command = new Command("eval", "Score a trained recommender on validation, test and the cold slice (full ranking, earlier items excluded) and write predictions.csv.") { folder, predictions, threads };
        command.SetAction(parse =>
        {
            ApplyThreads(parse, threads);
            var directory = Path.GetFullPath(parse.GetValue(folder)!);
            var run = RecommendRun.Read(directory);
            var data = run.Source.Load();
            using var recommender = RecommenderKinds.Load(Path.Combine(directory, RecommendRun.ModelFolder));
            RecommendPipeline.Evaluate(context, recommender, run, data, Path.GetFullPath(parse.GetValue(predictions) ?? Path.Combine(directory, PredictionsFile.FileName)));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command For(CliContext context)
    {
        var folder = new Argument<string>("dir") { Description = "A folder that `rqvae recommend train` wrote." };
        var user = new Option<int?>("--user") { Description = "Recommend for this user (source user id): their whole history is the input." };
        var history = new Option<string?>("--history") { Description = "Recommend after these items (source item ids, oldest first, comma-separated), e.g. 1,2,3." };
        var top = new Option<int>("--top", "-n") { Description = "How many items to recommend.", DefaultValueFactory = _ => 10 };
        var command = new Command("for", "Recommend the next items for a user of the ratings or for a given history of item ids.") { folder, user, history, top };
        command.SetAction(parse =>
        {
            var k = parse.GetValue(top);
            if (k < 1) throw new CliException($"--top must be at least 1 (got {k}).", ExitCodes.Usage);
            var u = parse.GetValue(user);
            var h = parse.GetValue(history);
            if ((u is null) == (h is null)) throw new CliException("give exactly one of --user U or --history 1,2,3.", ExitCodes.Usage);
            var directory = Path.GetFullPath(parse.GetValue(folder)!);
            var run = RecommendRun.Read(directory);
            var data = run.Source.Load();
            var split = data.Split;
            int[] items;
            if (u is { } userKey)
            {
                var index = split.UserKeys.ToList().IndexOf(userKey);
                if (index < 0) throw new CliException($"--user {userKey}: no such user in the ratings (users with at least 3 ratings count).");
                items = split.Sequences[index];
            }
            else
            {
                items = [.. h!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(text =>
                {
                    if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var key))
                        throw new CliException($"--history: \"{text}\" is not an item id (integers, comma-separated).", ExitCodes.Usage);
                    var i = split.IndexOf(key);
                    return i >= 0 ? i : throw new CliException($"--history: item {key} is not in the catalogue of {split.ItemCount:N0} items. Use item ids of the ratings (MovieLens movieId).");
                })];
                if (items.Length == 0) throw new CliException("--history is empty; give at least one item id.", ExitCodes.Usage);
            }
            using var recommender = RecommenderKinds.Load(Path.Combine(directory, RecommendRun.ModelFolder));
            RecommendPipeline.PrintRecommendations(context, data, recommender, RecommenderKinds.Get(run.Kind).DisplayName, "History", items, k);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Bench(CliContext context)
    {
        var source = new SourceOptions();
        var ids = new Option<string[]>("--ids") { Description = "ID tables for the kinds that generate semantic IDs, [LABEL=]PATH (repeatable): one row per kind and table." };
        var kinds = new Option<string?>("--kinds") { Description = "Comma-separated kinds to run (default: every kind; those needing IDs only with --ids)." };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated training seeds.", DefaultValueFactory = _ => "1,2,3" };
        var set = new Option<string[]>("--set") { Description = "Changes one setting of one kind, kind:name=value (repeatable), e.g. sasrec:max_epochs=20." };
        var reference = new Option<string?>("--reference") { Description = "The row (kind name or row label) the others are bootstrapped against (default: sasrec when run)." };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the table to this Markdown file." };
        var threads = ThreadsOption();
        var command = new Command("bench", "Train and score every kind with every seed on the same split, and print the table with paired bootstrap intervals.") { ids, kinds, seeds, set, reference, markdown, threads };
        foreach (var o in source.All) command.Options.Add(o);
        command.SetAction(parse =>
        {
            ApplyThreads(parse, threads);
            var seedList = (parse.GetValue(seeds) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new CliException($"--seeds: \"{s}\" is not an integer.", ExitCodes.Usage)).ToArray();
            if (seedList.Length == 0) throw new CliException("--seeds: give at least one seed.", ExitCodes.Usage);
            var chosen = parse.GetValue(kinds) is { } list
                ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(KindNamed).ToArray()
                : RecommenderKinds.All.ToArray();
            var tables = (parse.GetValue(ids) ?? []).Select(spec =>
            {
                var eq = spec.IndexOf('=');
                return eq > 0 ? (Label: spec[..eq], Path: spec[(eq + 1)..]) : (Label: Path.GetFileNameWithoutExtension(spec), Path: spec);
            }).ToArray();
            var settings = (parse.GetValue(set) ?? []).Select(s =>
            {
                var colon = s.IndexOf(':');
                return colon > 0 ? (Kind: s[..colon], Setting: s[(colon + 1)..]) : throw new CliException($"--set {s}: write kind:name=value, e.g. sasrec:max_epochs=20.", ExitCodes.Usage);
            }).ToArray();
            foreach (var s in settings) KindNamed(s.Kind);
            var baseSource = source.Read(parse, null);
            var data = baseSource.Load();
            var entries = new List<BenchmarkEntry>();
            var labelOfKind = new Dictionary<string, string>();
            foreach (var kind in chosen)
            {
                var options = KindSettings.Apply(kind, [.. settings.Where(s => s.Kind == kind.Name).Select(s => s.Setting)]);
                if (!kind.NeedsSemanticIds)
                {
                    entries.Add(new BenchmarkEntry(kind.DisplayName, kind, options, ItemEmbeddings: data.ItemEmbeddings));
                    labelOfKind[kind.Name] = kind.DisplayName;
                    continue;
                }
                foreach (var table in tables)
                {
                    var aligned = (baseSource with { Ids = Path.GetFullPath(table.Path) }).Load().SemanticIds;
                    entries.Add(new BenchmarkEntry($"{kind.DisplayName} + {table.Label}", kind, options, aligned, data.ItemEmbeddings));
                }
            }
            if (entries.Count == 0) throw new CliException("nothing to run: the chosen kinds all need --ids.", ExitCodes.Usage);
            context.Status($"{data.Split.ItemCount:N0} items, {data.Split.UserKeys.Count:N0} users, {data.Split.ColdTest.Count} cold test users; {entries.Count} rows × {seedList.Length} seeds.");
            var rows = RecommenderBenchmark.Run(data.Split, entries, seedList, line => context.Status(line), context.Cancellation);
            var referenceName = parse.GetValue(reference) ?? (labelOfKind.ContainsKey("sasrec") ? "sasrec" : null);
            var referenceLabel = referenceName is null ? null : labelOfKind.GetValueOrDefault(referenceName, referenceName);
            if (referenceLabel is not null && rows.All(r => r.Label != referenceLabel))
                throw new CliException($"--reference {referenceName}: no such row; rows: {string.Join(", ", rows.Select(r => r.Label))}.", ExitCodes.Usage);
            var report = BenchmarkTable.Format(rows, referenceLabel);
            context.Output.Write(report);
            if (parse.GetValue(markdown) is { } md) IO.AtomicFile.WriteAllText(md, report);
            return ExitCodes.Success;
        });
        return command;
    }

}
