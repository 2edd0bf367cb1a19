using System.Diagnostics;
using System.Globalization;
using RqVae.Datasets.MovieLens;
using RqVae.Recommender;
using RqVae.Recommender.Evaluation;
using RqVae.Recommender.Protocol;
using RqVae.Recommender.Tiger;
using RqVae.Recommender.Tiger.DecoderOnly;
using RqVae.ResidualKMeans;
using RqVae.SemanticIds;
using RqVae.Text;
using RqVae.Training;

// TIGER on MovieLens latest-small under the recommender protocol (leave-last-out, full ranking, 5 % cold items):
//   dotnet run -c Release --project bench/RqVae.Bench.Tiger -- [--work DIR] [--rows a,b] [--seeds 1,2,3] [--epochs N] [--threads N]
//       [--set name=value,…] [--markdown FILE] [--tables-only] [--also-rank Generative,ColdPrefix,Dense,DenseCold]
//       [--cold-penalties 0,2,4] [--cold-neighbours 0,5,10] [--save] [--load] [--reference ROW]
// The ID tables are made once and kept in the work folder: the RQ-VAE (the `rqvae movielens` settings) and residual
// k-means are fitted on the warm 95 % of the movies only, then encode every movie (warm first, so the cold ones are
// encoded as new items and move on collision); the random table has the RQ-VAE table's shape.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var arguments = args.ToList();
string Arg(string name, string fallback)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
}
var work = Arg("--work", "/tmp/rqvae-tiger-bench");
Directory.CreateDirectory(work);
var seeds = Arg("--seeds", "1,2,3").Split(',').Select(long.Parse).ToArray();
var epochs = int.Parse(Arg("--epochs", "0"), CultureInfo.InvariantCulture);
var rowNames = Arg("--rows", "rqvae,rkm,random,rqvae-prefix,rqvae-liger").Split(',');
var markdown = Arg("--markdown", Path.Combine(work, "table.md"));

var dataset = MovieLensDataset.Load();
var interactions = dataset.Ratings.Select(r => new Interaction(r.UserId, r.MovieId, r.Timestamp)).ToArray();
var movies = dataset.Movies.OrderBy(m => m.MovieId).ToArray();
var split = LeaveLastOutSplit.Create(interactions, [.. movies.Select(m => m.MovieId)], new SplitOptions());
Console.WriteLine($"{split.ItemCount} items, {split.UserKeys.Count} users, {split.ColdItemKeys.Count} cold items, {split.ColdTest.Count} cold test users");

using var embedder = new MiniLmEmbedder();
var features = new CachedEmbedder(embedder, new EmbeddingCache()).Embed([.. movies.Select(m => MovieLensDataset.MovieText(m))]);
const int dimension = MiniLmEmbedder.EmbeddingDimension;
var embeddings = new float[split.ItemCount, dimension];
for (var i = 0; i < split.ItemCount; i++)
    for (var d = 0; d < dimension; d++) embeddings[i, d] = features[i * dimension + d];

var warmFirst = Enumerable.Range(0, split.ItemCount).OrderBy(i => split.IsCold(i) ? 1 : 0).ThenBy(i => i).ToArray();
float[] Rows(IEnumerable<int> items) => [.. items.SelectMany(i => features.AsSpan(i * dimension, dimension).ToArray())];
var warmFeatures = Rows(warmFirst.Where(i => !split.IsCold(i)));
var orderedFeatures = Rows(warmFirst);

SemanticIdTable Unique(RqVae.Tokenizers.ISemanticIdTokenizer tokenizer)
{
    var names = warmFirst.Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    var (order, ids) = ItemIdTable.Build(tokenizer, names, orderedFeatures, new CollisionOptions()).Snapshot();
    var codes = new int[split.ItemCount * ids.Levels];
    for (var r = 0; r < order.Count; r++) ids[r].CopyTo(codes.AsSpan(int.Parse(order[r], CultureInfo.InvariantCulture) * ids.Levels, ids.Levels));
    return new SemanticIdTable(codes, ids.Levels);
}

SemanticIdTable Cached(string name, Func<SemanticIdTable> make)
{
    var path = Path.Combine(work, name + ".ids");
    if (File.Exists(path))
    {
        var lines = File.ReadAllLines(path);
        var levels = int.Parse(lines[0], CultureInfo.InvariantCulture);
        return new SemanticIdTable([.. lines.Skip(1).SelectMany(l => l.Split(',').Select(int.Parse))], levels);
    }
    var clock = Stopwatch.StartNew();
    var table = make();
    File.WriteAllLines(path, [table.Levels.ToString(CultureInfo.InvariantCulture), .. Enumerable.Range(0, table.Count).Select(r => string.Join(',', table[r].ToArray()))]);
    Console.WriteLine($"{name} IDs: {table.Count} × {table.Levels} in {clock.Elapsed.TotalSeconds:F0} s");
    return table;
}

var rqvae = new Lazy<SemanticIdTable>(() => Cached("rqvae", () =>
{
    using var result = new RqVaeTrainer(new RqVaeTrainerOptions { EvaluateEvery = 10 }).Fit(warmFeatures, dimension);
    return Unique(result.Tokenizer);
}));
var rkm = new Lazy<SemanticIdTable>(() => Cached("rkm", () =>
{
    using var tokenizer = new ResidualKMeansTrainer(new ResidualKMeansOptions()).Fit(warmFeatures, dimension);
    return Unique(tokenizer);
}));
var random = new Lazy<SemanticIdTable>(() => Cached("random", () => RandomSemanticIds.LikeTable(rqvae.Value, seed: 1)));

if (arguments.Contains("--tables-only"))
{
    _ = rqvae.Value;
    _ = rkm.Value;
    _ = random.Value;
    return;
}

// --set name=value,name=value overrides options of every row (snake_case names, as in recommender.json), e.g.
// --set model_dimension=64,layers=4 for the decoder-only rows; --threads N sets torch's threads (0 keeps the default).
var threads = int.Parse(Arg("--threads", "0"), CultureInfo.InvariantCulture);
if (threads > 0) TorchSharp.torch.set_num_threads(threads);
var overrides = Arg("--set", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToArray();
T Override<T>(T options) where T : class
{
    var node = System.Text.Json.JsonSerializer.SerializeToNode(options, RecommenderConfig.JsonOptions)!.AsObject();
    foreach (var pair in overrides.Where(p => node.ContainsKey(p[0])))
        node[pair[0]] = System.Text.Json.Nodes.JsonNode.Parse(double.TryParse(pair[1], CultureInfo.InvariantCulture, out _) || pair[1] is "true" or "false" ? pair[1] : $"\"{pair[1]}\"");
    return System.Text.Json.JsonSerializer.Deserialize<T>(node, RecommenderConfig.JsonOptions)!;
}

var defaults = new TigerRecommenderOptions();
if (epochs > 0) defaults = defaults with { Epochs = epochs };
defaults = Override(defaults);
var decoder = new TigerDecoderOptions();
if (epochs > 0) decoder = decoder with { Epochs = epochs };
decoder = Override(decoder);
IRecommenderKind kind = new TigerKind(), decoderKind = new TigerDecoderKind();
var rows = new Dictionary<string, (string Label, Lazy<SemanticIdTable> Ids, IRecommenderKind Kind, object Options, float[,]? Embeddings)>
{
    ["rqvae"] = ("TIGER + RQ-VAE IDs", rqvae, kind, defaults, null),
    ["rkm"] = ("TIGER + residual k-means IDs", rkm, kind, defaults, null),
    ["random"] = ("TIGER + random IDs", random, kind, defaults, null),
    ["rqvae-prefix"] = ("TIGER + RQ-VAE IDs, prefix n-gram input", rqvae, kind, defaults with { HistoryInput = TigerHistoryInput.Prefixes }, null),
    ["rqvae-liger"] = ("TIGER + RQ-VAE IDs, LIGER dense head", rqvae, kind, defaults with { DenseWeight = 1, Ranking = TigerRanking.Dense }, embeddings),
    ["rqvae-prefix-liger"] = ("TIGER + RQ-VAE IDs, prefix input + LIGER", rqvae, kind, defaults with { DenseWeight = 1, Ranking = TigerRanking.Dense, HistoryInput = TigerHistoryInput.Prefixes }, embeddings),
    ["rqvae-paper"] = ("TIGER + RQ-VAE IDs, paper size (4+4, 6×64, FFN 1024)", rqvae, kind, defaults.WithModel(TigerOptions.Paper), null),
    // The decoder-only defaults train the dense head (MiniLM content plus a learned embedding per item) and rank the whole
    // catalogue by it; "-liger" is the content-only head re-ranking the beam's candidates (the previous defaults).
    ["dec-rqvae"] = ("TIGER decoder-only + RQ-VAE IDs", rqvae, decoderKind, decoder, embeddings),
    ["dec-rkm"] = ("TIGER decoder-only + residual k-means IDs", rkm, decoderKind, decoder, embeddings),
    ["dec-random"] = ("TIGER decoder-only + random IDs", random, decoderKind, decoder, embeddings),
    ["dec-rqvae-liger"] = ("TIGER decoder-only + RQ-VAE IDs, LIGER dense head", rqvae, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = false, Ranking = TigerRanking.Dense }, embeddings),
    ["dec-random-liger"] = ("TIGER decoder-only + random IDs, LIGER dense head", random, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = false, Ranking = TigerRanking.Dense }, embeddings),
    // The defaults spelled out (the rows above follow the defaults wherever they go).
    ["dec-rqvae-hybrid"] = ("TIGER decoder-only + RQ-VAE IDs, dense head with item embeddings, whole-catalogue ranking", rqvae, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = true, Ranking = TigerRanking.DenseAll }, embeddings),
    ["dec-random-hybrid"] = ("TIGER decoder-only + random IDs, dense head with item embeddings, whole-catalogue ranking", random, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = true, Ranking = TigerRanking.DenseAll }, embeddings),
    // The item term as the sum of the item's ID-prefix embeddings: the rows where the IDs' structure reaches the ranking.
    ["dec-rqvae-idprefix"] = ("TIGER decoder-only + RQ-VAE IDs, item embeddings from ID prefixes", rqvae, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = true, DenseItemEmbeddingsFromIdPrefixes = true, Ranking = TigerRanking.DenseAll }, embeddings),
    ["dec-random-idprefix"] = ("TIGER decoder-only + random IDs, item embeddings from ID prefixes", random, decoderKind, decoder with { DenseWeight = 1, DenseItemEmbeddings = true, DenseItemEmbeddingsFromIdPrefixes = true, Ranking = TigerRanking.DenseAll }, embeddings),
    ["dec-rqvae-nohead"] = ("TIGER decoder-only + RQ-VAE IDs, no dense head", rqvae, decoderKind, decoder with { DenseWeight = 0, Ranking = TigerRanking.Generative }, null),
    ["dec-random-nohead"] = ("TIGER decoder-only + random IDs, no dense head", random, decoderKind, decoder with { DenseWeight = 0, Ranking = TigerRanking.Generative }, null),
    ["dec-rqvae-coldprefix"] = ("TIGER decoder-only + RQ-VAE IDs, cold items by ID prefix", rqvae, decoderKind, decoder with { DenseWeight = 0, Ranking = TigerRanking.ColdPrefix }, null),
};
// --also-rank Generative,ColdPrefix,Dense: a decoder-only fit is also evaluated under these rankings (same weights).
// --cold-penalties 0,2,4: ColdPrefix is evaluated once per penalty (TigerDecoderOptions.ColdPrefixPenalty).
var alsoRank = Arg("--also-rank", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<TigerRanking>).ToArray();
var coldPenalties = Arg("--cold-penalties", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
// --cold-neighbours 0,5,10: the dense rankings are evaluated once per count (TigerDecoderOptions.DenseColdNeighbours).
var coldNeighbours = Arg("--cold-neighbours", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();

// The validation questions whose target is a held-out movie: the cold slice on the side that may choose settings.
string ColdValidation(EvaluationResult r)
{
    var ranks = split.Validation.Select((c, i) => (c, i)).Where(x => split.IsCold(x.c.Target)).Select(x => r.ValidationRanks[x.i]).ToArray();
    return $"cold validation HR@10 {MetricSet.FromRanks(ranks).Hr10:F4} ({ranks.Length} users)";
}

var results = new List<BenchmarkRow>();
foreach (var name in rowNames)
{
    var (label, ids, rowKind, options, content) = rows[name];
    Console.WriteLine($"{label}: {System.Text.Json.JsonSerializer.Serialize(options, options.GetType())}");
    var runs = new List<BenchmarkRun>();
    foreach (var seed in seeds)
    {
        var data = RecommenderTrainingData.FromSplit(split, seed, ids.Value, content);
        var clock = Stopwatch.StartNew();
        var progress = new Line(p => Console.WriteLine($"  {label} seed {seed} epoch {p.Epoch}: loss {p.Loss:F4}, validation NDCG@10 {p.ValidationNdcg10:F4} (best {p.BestEpoch}), {p.Elapsed.TotalSeconds:F0} s"));
        var saved = Path.Combine(work, "models", $"{name}-s{seed}");
        using var fitted = arguments.Contains("--load") && Directory.Exists(saved) ? RecommenderKinds.Load(saved) : rowKind.Fit(data, options, null, progress);
        var trained = clock.Elapsed;
        // --save keeps each fit in work/models/ROW-sSEED; --load scores a kept one instead of fitting (e.g. other rankings).
        if (arguments.Contains("--save")) fitted.Save(saved);
        clock.Restart();
        var result = RecommenderEvaluation.Evaluate(fitted, split);
        var evaluated = clock.Elapsed;
        var testHistories = split.Test.Select(c => c.History).ToArray();
        var (invalid, bestEpoch, levels) = seed != seeds[0] ? (double.NaN, 0, 0) : fitted switch
        {
            TigerRecommender t => (t.InvalidShareUnconstrained(testHistories, 10), t.BestEpoch, t.Vocabulary.Levels),
            TigerDecoderRecommender d => (d.InvalidShareUnconstrained(testHistories, 10), d.BestEpoch, d.Vocabulary.Levels),
            _ => (double.NaN, 0, 0),
        };
        runs.Add(new BenchmarkRun(seed, result, trained, evaluated, fitted.ParameterCount));
        var alternatives = alsoRank.SelectMany(r => r == TigerRanking.ColdPrefix && coldPenalties.Length > 0
            ? coldPenalties.Select(p => (r, (double?)p, (int?)null))
            : r is TigerRanking.Dense or TigerRanking.DenseCold or TigerRanking.DenseAll && coldNeighbours.Length > 0
                ? coldNeighbours.Select(n => (r, (double?)null, (int?)n))
                : [(r, null, null)]);
        foreach (var (ranking, penalty, neighbours) in fitted is TigerDecoderRecommender ? alternatives : [])
        {
            var decoderOnly = (TigerDecoderRecommender)fitted;
            if (ranking is TigerRanking.Dense or TigerRanking.DenseCold or TigerRanking.DenseAll && !decoderOnly.HasDenseHead) continue;
            using var view = decoderOnly.WithRanking(ranking, penalty, neighbours);
            clock.Restart();
            var other = RecommenderEvaluation.Evaluate(view, split);
            Console.WriteLine($"{label} seed {seed}, ranked {ranking}{(penalty is { } p ? $" penalty {p}" : "")}{(neighbours is { } n ? $" cold neighbours {n}" : "")}: test HR@10 {other.Test.Hr10:F4} NDCG@10 {other.Test.Ndcg10:F4}, validation HR@10 {other.Validation.Hr10:F4} NDCG@10 {other.Validation.Ndcg10:F4}, "
                              + $"cold HR@10 {other.ColdTest.Hr10:F4} NDCG@10 {other.ColdTest.Ndcg10:F4}, {ColdValidation(other)}; evaluated {clock.Elapsed.TotalSeconds:F0} s");
        }
        Console.WriteLine($"{label} seed {seed}: test HR@10 {result.Test.Hr10:F4} NDCG@10 {result.Test.Ndcg10:F4}, validation HR@10 {result.Validation.Hr10:F4} NDCG@10 {result.Validation.Ndcg10:F4}, cold HR@10 {result.ColdTest.Hr10:F4}, {ColdValidation(result)}; "
                          + $"trained {trained.TotalSeconds:F0} s, evaluated {evaluated.TotalSeconds:F0} s, {fitted.ParameterCount:N0} parameters"
                          + (double.IsNaN(invalid) ? "" : $", best epoch {bestEpoch}, vocabulary levels {levels}, unconstrained top-10 invalid share {invalid:P1}"));
    }
    results.Add(new BenchmarkRow(label, runs));
}
// --reference ROW: the row every other is compared with by the paired bootstrap; default the first random-ID row.
var referenceRow = Arg("--reference", rowNames.FirstOrDefault(n => n.Contains("random", StringComparison.Ordinal)) ?? "");
var reference = rows.TryGetValue(referenceRow, out var referenced) && rowNames.Contains(referenceRow) ? referenced.Label : null;
var table = BenchmarkTable.Format(results, reference);
Console.Write(table);
File.WriteAllText(markdown, table);

internal sealed class Line(Action<RecommenderTrainingProgress> report) : IProgress<RecommenderTrainingProgress>
{
    public void Report(RecommenderTrainingProgress value) => report(value);
}
