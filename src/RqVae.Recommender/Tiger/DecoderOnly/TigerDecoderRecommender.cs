using System.Text.Json;
using RqVae.SemanticIds;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>
/// A fitted decoder-only TIGER recommender: the causal network, the catalogue's ID vocabulary and the prefix trie of every
/// item's full ID. <see cref="Recommend"/> runs the same constrained beam search as the encoder-decoder over the history
/// followed by the partial ID, so every answer is exactly one catalogue item and never an excluded one; cold items are in
/// the trie and can be generated. The history is run once per user and cached; each beam step runs only the ID tokens
/// generated so far. Thread-safe (one search at a time); dispose to free the network's native memory.
/// </summary>
public sealed class TigerDecoderRecommender : IRecommender
{
    /// <summary>Histories searched together; bounds the beam's memory (histories × beams × prefix length × d_model per block).</summary>
    internal const int SearchBatch = 32;

    private readonly object gate = new();
    private readonly TigerDecoderModule module;
    private readonly bool ownsModule;
    private readonly bool[] cold;
    private readonly int[] coldItems;
    private readonly int[] nodePrefixes;
    private readonly Lazy<ColdPrefixRanking> coldPrefix;

    internal TigerDecoderRecommender(TigerDecoderModule module, TigerVocabulary vocabulary, SemanticIdTable ids, TigerDecoderOptions options, IReadOnlyList<bool> cold, int bestEpoch, bool ownsModule = true)
    {
        this.module = module;
        this.ownsModule = ownsModule;
        Vocabulary = vocabulary;
        Ids = ids;
        Trie = PrefixTrie.Create(vocabulary);
        Options = options;
        this.cold = [.. cold];
        coldItems = [.. Enumerable.Range(0, cold.Count).Where(i => cold[i])];
        coldPrefix = new Lazy<ColdPrefixRanking>(() => new ColdPrefixRanking(vocabulary, Trie, this.cold, options.ColdPrefixPenalty));
        // Each trie node is one distinct ID prefix, so it has one prefix n-gram row: what a beam's partial ID embeds with.
        nodePrefixes = new int[Trie.NodeCount];
        for (var item = 0; item < vocabulary.ItemCount; item++)
        {
            var path = Trie.Path(item);
            var rows = vocabulary.Prefixes(item);
            for (var l = 0; l < path.Length; l++) nodePrefixes[path[l]] = rows[l];
        }
        BestEpoch = bestEpoch;
        module.eval();
    }

    /// <inheritdoc />
    public string Kind => TigerDecoderKind.KindName;

    /// <inheritdoc />
    public int ItemCount => Vocabulary.ItemCount;

    /// <inheritdoc />
    public long ParameterCount => module.parameters().Sum(p => p.numel());

    /// <summary>The options it was fitted with.</summary>
    public TigerDecoderOptions Options { get; }

    /// <summary>The longest history it reads.</summary>
    public int MaxHistory => Options.EffectiveMaxHistory;

    /// <summary>The epoch whose weights it holds.</summary>
    public int BestEpoch { get; }

    /// <summary>The token space (levels, collision level, offsets).</summary>
    public TigerVocabulary Vocabulary { get; }

    /// <summary>The valid full IDs.</summary>
    public PrefixTrie Trie { get; }

    internal SemanticIdTable Ids { get; }

    internal TigerDecoderModule Module => module;

    /// <summary>True when the network has a LIGER dense head (so it can rank by <see cref="TigerRanking.Dense"/>).</summary>
    public bool HasDenseHead => module.HasDenseHead;

    /// <inheritdoc />
    public int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (exclusions is not null && exclusions.Count != histories.Count) throw new ArgumentException($"{exclusions.Count} exclusion lists for {histories.Count} histories.", nameof(exclusions));
        var beam = Math.Max(Options.Beam, k);
        // The cold items' learned term, from the current weights (training ranks with this view after every epoch).
        using var itemEmbeddings = Options.Ranking is TigerRanking.Dense or TigerRanking.DenseCold or TigerRanking.DenseAll && module.HasDenseHead
            ? module.Dense.ItemEmbeddingsWithColdFromNeighbours(cold, Options.DenseColdNeighbours)
            : null;
        return Batched<int[]>(histories, exclusions, (cache, step, count, excluded) =>
        {
            switch (Options.Ranking)
            {
                case TigerRanking.DenseAll:
                {
                    var scores = DenseScores(cache.Last, itemEmbeddings);
                    return [.. Enumerable.Range(0, count).Select(b => TopItems.Select(scores.AsSpan(b * ItemCount, ItemCount), k, excluded?[b]))];
                }
                case TigerRanking.Dense or TigerRanking.DenseCold:
                {
                    // LIGER: the whole beam's candidates and every cold item, by the dense head's score (the cosine to their
                    // content, plus the learned item term when the head has one; DenseCold: it only chooses the cold items' places).
                    var found = ConstrainedBeamSearch.Search(step, count, Vocabulary, Trie, beam, beam, excluded);
                    var similarity = DenseScores(cache.Last, itemEmbeddings);
                    return [.. Enumerable.Range(0, count).Select(b => Options.Ranking == TigerRanking.Dense
                        ? DenseRanking.Rerank(found[b].Items, coldItems, similarity.AsSpan(b * ItemCount, ItemCount), excluded?[b], k)
                        : DenseRanking.Interleave(found[b].Items, coldItems, similarity.AsSpan(b * ItemCount, ItemCount), excluded?[b], k))];
                }
                case TigerRanking.ColdPrefix:
                {
                    var found = ConstrainedBeamSearch.Search(step, count, Vocabulary, Trie, beam, beam, excluded);
                    var scores = coldPrefix.Value.Scores(step, count);
                    return [.. Enumerable.Range(0, count).Select(b => coldPrefix.Value.Merge(found[b], scores[b], excluded?[b], k))];
                }
                default:
                    return [.. ConstrainedBeamSearch.Search(step, count, Vocabulary, Trie, beam, k, excluded).Select(f => f.Items)];
            }
        });
    }

    /// <summary>
    /// This network ranking by <paramref name="ranking"/> instead (with <paramref name="coldPrefixPenalty"/> and
    /// <paramref name="denseColdNeighbours"/>, when given, as <see cref="TigerDecoderOptions.ColdPrefixPenalty"/> and
    /// <see cref="TigerDecoderOptions.DenseColdNeighbours"/>), e.g. to compare rankings of one fit; the view shares the
    /// network, and disposing it leaves the network to this recommender.
    /// </summary>
    /// <exception cref="ArgumentException">The ranking is invalid, or needs a dense head the network does not have.</exception>
    public TigerDecoderRecommender WithRanking(TigerRanking ranking, double? coldPrefixPenalty = null, int? denseColdNeighbours = null)
    {
        var options = (Options with
        {
            Ranking = ranking,
            ColdPrefixPenalty = coldPrefixPenalty ?? Options.ColdPrefixPenalty,
            DenseColdNeighbours = denseColdNeighbours ?? Options.DenseColdNeighbours,
        }).Validate();
        if (ranking is TigerRanking.Dense or TigerRanking.DenseCold or TigerRanking.DenseAll && !module.HasDenseHead) throw new ArgumentException("This network has no dense head to rank by.", nameof(ranking));
        return new TigerDecoderRecommender(module, Vocabulary, Ids, options, cold, BestEpoch, ownsModule: false);
    }

    // The dense head's score of every item for each state [B, d], row-major: the plain cosine for a content-only head (the
    // order it was measured with), the full logit once the head also learns item embeddings.
    private float[] DenseScores(Tensor states, Tensor? itemEmbeddings)
    {
        using var scores = module.Dense.HasItemEmbeddings ? module.Dense.Logits(states, Options.DenseTemperature, itemEmbeddings) : module.Dense.Similarity(states);
        return scores.contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// The share of the top <paramref name="k"/> IDs that the same beam search without the trie would produce that are no
    /// catalogue item (no exclusions): what constrained decoding saves.
    /// </summary>
    public double InvalidShareUnconstrained(IReadOnlyList<int[]> histories, int k)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var results = Search(histories, k, null, constrained: false);
        long invalid = results.Sum(r => (long)r.Items.Count(i => i < 0)), total = results.Sum(r => (long)r.Items.Length);
        return total == 0 ? 0 : (double)invalid / total;
    }

    internal BeamResult[] Search(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions, bool constrained)
    {
        var beam = Math.Max(Options.Beam, k);
        return Batched(histories, exclusions, (_, step, count, excluded) => ConstrainedBeamSearch.Search(step, count, Vocabulary, Trie, beam, k, excluded, constrained));
    }

    // Runs `answer` on batches of SearchBatch histories, each with its history prefix run once and cached.
    private T[] Batched<T>(IReadOnlyList<int[]> histories, IReadOnlyList<int[]>? exclusions, Func<TigerDecoderCache, IBeamStep, int, IReadOnlyCollection<int>?[]?, T[]> answer)
    {
        var result = new T[histories.Count];
        lock (gate)
        {
            using var noGrad = no_grad();
            for (var start = 0; start < histories.Count; start += SearchBatch)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(SearchBatch, histories.Count - start);
                var part = histories.Skip(start).Take(count).ToArray();
                var excluded = exclusions?.Skip(start).Take(count).Select(e => (IReadOnlyCollection<int>?)e).ToArray();
                var (tokens, prefixes, padding) = TigerDecoderInputs.Prefix(Vocabulary, part, MaxHistory);
                var cache = module.Prefix(tokens, module.UsesPrefixes ? prefixes : null, padding);
                var found = answer(cache, new Step(this, cache), count, excluded);
                for (var i = 0; i < count; i++) result[start + i] = found[i];
            }
        }
        return result;
    }

    /// <inheritdoc />
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        byte[] weights;
        lock (gate)
        {
            using var buffer = new MemoryStream();
            module.save_safetensors(buffer, leaveOpen: true);
            weights = buffer.ToArray();
        }
        var sha = RecommenderConfig.WriteWeights(directory, TigerRecommender.WeightsFileName, weights);
        var state = new TigerState
        {
            Levels = Ids.Levels,
            Codes = Ids.Codes.ToArray(),
            MaxHistory = MaxHistory,
            ColdItems = coldItems,
            BestEpoch = BestEpoch,
        };
        new RecommenderConfig
        {
            Kind = Kind,
            ItemCount = ItemCount,
            Options = TigerDecoderKind.OptionsJson(Options),
            WeightsFile = TigerRecommender.WeightsFileName,
            WeightsSha256 = sha,
            State = JsonSerializer.SerializeToElement(state, RecommenderConfig.JsonOptions),
        }.Write(directory);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsModule) module.Dispose();
    }

    // Level 0 reads the prefix's last state; level l > 0 runs the beam's l tokens after its history's cached prefix.
    private sealed class Step(TigerDecoderRecommender owner, TigerDecoderCache cache) : IBeamStep
    {
        public float[] LogProbabilities(int level, long[] owners, long[] prefixes)
        {
            using var scope = NewDisposeScope();
            using var rows = tensor(owners);
            var module = owner.module;
            var vocabulary = owner.Vocabulary;
            var states = level == 0
                ? cache.Last.index_select(0, rows)
                : module.Continue(tensor(prefixes, [owners.Length, level]), module.UsesPrefixes ? tensor(owner.PrefixRows(prefixes, level), [owners.Length, level]) : null, cache, rows).select(1, level - 1);
            var logits = module.LevelLogits(states, vocabulary.Offset(level), vocabulary.LevelSize(level));
            return nn.functional.log_softmax(logits, 1).contiguous().data<float>().ToArray();
        }
    }

    // The prefix n-gram row of every token of every beam's partial ID (the trie node it reaches; 0 off the trie).
    private long[] PrefixRows(long[] prefixes, int level)
    {
        var rows = new long[prefixes.Length];
        for (var m = 0; m < prefixes.Length / level; m++)
        {
            var node = PrefixTrie.Root;
            for (var t = 0; t < level; t++)
            {
                node = node < 0 ? -1 : Trie.Child(node, (int)prefixes[m * level + t]);
                rows[m * level + t] = node < 0 ? 0 : nodePrefixes[node];
            }
        }
        return rows;
    }
}
