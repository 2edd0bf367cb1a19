using System.Text.Json;
using RqVae.Platform;
using RqVae.Recommender.Tiger.Modules;
using RqVae.SemanticIds;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// A fitted TIGER recommender: the network, the catalogue's ID vocabulary and the prefix trie of every item's full ID.
/// <see cref="Recommend"/> runs the constrained beam search, so every answer is exactly one catalogue item and never one of
/// the excluded items; cold items (in the ID table, never in training) are in the trie and can be generated. Thread-safe
/// (one search at a time); dispose to free the network's native memory.
/// </summary>
public sealed class TigerRecommender : IRecommender
{
    /// <summary>The weights file inside a saved recommender folder.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>Histories searched together; bounds the beam's memory (histories × beams × encoder length × d_model).</summary>
    internal const int SearchBatch = 64;

    private readonly object gate = new();
    private readonly TigerModule module;
    private readonly bool[] cold;
    private readonly int[] coldItems;

    internal TigerRecommender(TigerModule module, TigerVocabulary vocabulary, SemanticIdTable ids, TigerRecommenderOptions options, int maxHistory, IReadOnlyList<bool> cold, int bestEpoch)
    {
        this.module = module;
        Vocabulary = vocabulary;
        Ids = ids;
        Trie = PrefixTrie.Create(vocabulary);
        Options = options;
        MaxHistory = maxHistory;
        this.cold = [.. cold];
        coldItems = [.. Enumerable.Range(0, this.cold.Length).Where(i => this.cold[i])];
        BestEpoch = bestEpoch;
        module.eval();
    }

    /// <inheritdoc />
    public string Kind => TigerKind.KindName;

    /// <inheritdoc />
    public int ItemCount => Vocabulary.ItemCount;

    /// <inheritdoc />
    public long ParameterCount => module.parameters().Sum(p => p.numel());

    /// <summary>The options it was fitted with.</summary>
    public TigerRecommenderOptions Options { get; }

    /// <summary>The longest history the encoder reads.</summary>
    public int MaxHistory { get; }

    /// <summary>The epoch whose weights it holds.</summary>
    public int BestEpoch { get; }

    /// <summary>The token space (levels, collision level, offsets).</summary>
    public TigerVocabulary Vocabulary { get; }

    /// <summary>The valid full IDs.</summary>
    public PrefixTrie Trie { get; }

    internal SemanticIdTable Ids { get; }

    internal TigerModule Module => module;

    /// <inheritdoc />
    public int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (exclusions is not null && exclusions.Count != histories.Count) throw new ArgumentException($"{exclusions.Count} exclusion lists for {histories.Count} histories.", nameof(exclusions));
        var result = new int[histories.Count][];
        lock (gate)
        {
            using var noGrad = no_grad();
            for (var start = 0; start < histories.Count; start += SearchBatch)
            {
                var count = Math.Min(SearchBatch, histories.Count - start);
                var part = histories.Skip(start).Take(count).ToArray();
                var excluded = exclusions?.Skip(start).Take(count).Select(e => (IReadOnlyCollection<int>?)e).ToArray();
                var top = Search(part, k, excluded);
                for (var i = 0; i < count; i++) result[start + i] = top[i];
            }
        }
        return result;
    }

    private int[][] Search(int[][] histories, int k, IReadOnlyCollection<int>?[]? excluded)
    {
        using var scope = NewDisposeScope();
        var (input, padding) = TigerInputs.Encoder(Vocabulary, Options.Model.HistoryInput, histories, MaxHistory);
        var beam = Math.Max(Options.Beam, k);
        var found = ConstrainedBeamSearch.Search(module, Vocabulary, Trie, input, padding, null, beam, Options.Ranking == TigerRanking.Dense ? beam : k, excluded);
        if (Options.Ranking == TigerRanking.Generative) return [.. found.Select(f => f.Items)];

        // LIGER: the generated candidates and every cold item, ranked by the dense head's cosine to their content.
        var (memory, mask) = module.Encode(input, padding, null);
        using var bosToken = TigerVocabulary.Bos.ToScalar();
        using var bos = full(histories.Length, 1, bosToken, dtype: ScalarType.Int64);
        var similarity = module.ContentSimilarity(module.Decode(bos, memory, mask).select(1, 0)).contiguous().data<float>().ToArray();
        var answers = new int[histories.Length][];
        for (var b = 0; b < histories.Length; b++)
            answers[b] = DenseRanking.Rerank(found[b].Items, coldItems, similarity.AsSpan(b * ItemCount, ItemCount), excluded?[b], k);
        return answers;
    }

    /// <summary>
    /// The share of the top <paramref name="k"/> IDs that the same beam search without the trie would produce that are no
    /// catalogue item (no exclusions): what constrained decoding saves.
    /// </summary>
    public double InvalidShareUnconstrained(IReadOnlyList<int[]> histories, int k)
    {
        ArgumentNullException.ThrowIfNull(histories);
        long invalid = 0, total = 0;
        lock (gate)
        {
            using var noGrad = no_grad();
            for (var start = 0; start < histories.Count; start += SearchBatch)
            {
                using var scope = NewDisposeScope();
                var part = histories.Skip(start).Take(SearchBatch).ToArray();
                var (input, padding) = TigerInputs.Encoder(Vocabulary, Options.Model.HistoryInput, part, MaxHistory);
                foreach (var r in ConstrainedBeamSearch.Search(module, Vocabulary, Trie, input, padding, null, Math.Max(Options.Beam, k), k, null, constrained: false))
                {
                    invalid += r.Items.Count(i => i < 0);
                    total += r.Items.Length;
                }
            }
        }
        return total == 0 ? 0 : (double)invalid / total;
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
        var sha = RecommenderConfig.WriteWeights(directory, WeightsFileName, weights);
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
            Options = TigerKind.OptionsJson(Options),
            WeightsFile = WeightsFileName,
            WeightsSha256 = sha,
            State = JsonSerializer.SerializeToElement(state, RecommenderConfig.JsonOptions),
        }.Write(directory);
    }

    /// <inheritdoc />
    public void Dispose() => module.Dispose();
}
