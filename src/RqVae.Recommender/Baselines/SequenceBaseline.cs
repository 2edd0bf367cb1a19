using System.Text.Json;
using RqVae.Model;

namespace RqVae.Recommender.Baselines;

/// <summary>
/// The common part of the counting baselines: they are a pure function of the training sequences, so they save
/// those (as <c>sequences.json</c>, hashed in recommender.json) and count again on load, which gives the same answers.
/// </summary>
public abstract class SequenceBaseline : IRecommender
{
    /// <summary>The file that holds the training sequences.</summary>
    public const string SequencesFile = "sequences.json";

    /// <summary>Keeps the catalogue size and the sequences the counts come from.</summary>
    protected SequenceBaseline(string kind, int itemCount, IReadOnlyList<int[]> sequences, JsonElement options)
    {
        Kind = kind;
        ItemCount = itemCount;
        Sequences = sequences;
        optionsJson = options;
    }

    private readonly JsonElement optionsJson;

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    public int ItemCount { get; }

    /// <inheritdoc />
    public abstract long ParameterCount { get; }

    /// <summary>The training sequences the counts come from.</summary>
    protected IReadOnlyList<int[]> Sequences { get; }

    /// <inheritdoc />
    public int[][] Recommend(IReadOnlyList<int[]> histories, int k, IReadOnlyList<int[]>? exclusions = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (exclusions is not null && exclusions.Count != histories.Count) throw new ArgumentException($"{exclusions.Count} exclusion lists for {histories.Count} histories.", nameof(exclusions));
        foreach (var h in histories)
        {
            foreach (var item in h)
            {
                if ((uint)item >= (uint)ItemCount) throw new RecommenderInputException($"A history names item index {item}, outside the catalogue of {ItemCount} items.");
            }
        }
        var scores = Score(histories);
        var result = new int[histories.Count][];
        for (var u = 0; u < histories.Count; u++) result[u] = TopItems.Select(scores.AsSpan(u * ItemCount, ItemCount), k, exclusions?[u]);
        return result;
    }

    /// <summary>Scores of every item for every history, row-major [histories, N]; higher is better.</summary>
    protected abstract float[] Score(IReadOnlyList<int[]> histories);

    /// <inheritdoc />
    public void Save(string directory)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Sequences);
        var sha = RecommenderConfig.WriteWeights(directory, SequencesFile, bytes);
        new RecommenderConfig { Kind = Kind, ItemCount = ItemCount, Options = optionsJson, WeightsFile = SequencesFile, WeightsSha256 = sha }.Write(directory);
    }

    /// <summary>The training sequences saved in <paramref name="directory"/>, checked against the catalogue size.</summary>
    /// <exception cref="ModelFormatException">Missing, changed, or not sequences of this catalogue.</exception>
    public static int[][] ReadSequences(string directory, RecommenderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bytes = config.ReadWeights(directory);
        var path = Path.Combine(directory, SequencesFile);
        int[][]? sequences;
        try
        {
            sequences = JsonSerializer.Deserialize<int[][]>(bytes);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not a list of item sequences ({e.Message}).", e);
        }
        if (sequences is null || sequences.Any(s => s is null || s.Any(i => (uint)i >= (uint)config.ItemCount)))
            throw new ModelFormatException(path, $"holds an item index outside the catalogue of {config.ItemCount} items.");
        return sequences;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees what the baseline holds; nothing by default.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>How many training sequences contain each item: the popularity every baseline backs off to.</summary>
    protected static float[] Popularity(int itemCount, IReadOnlyList<int[]> sequences)
    {
        var counts = new float[itemCount];
        foreach (var s in sequences)
        {
            foreach (var i in s) counts[i]++;
        }
        return counts;
    }
}
