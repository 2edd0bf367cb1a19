using System.Text.Json;

namespace RqVae.Recommender.Baselines;

/// <summary>The first-order Markov chain's options: it has no settings.</summary>
public sealed record MarkovOptions
{
    /// <summary>Returns the options; there is nothing to check.</summary>
    public MarkovOptions Validate() => this;
}

/// <summary>
/// First-order Markov chain: counts item-to-item transitions (consecutive items of the training sequences) and ranks
/// the items that followed the user's last item by that count; the rest, and users whose last item never led anywhere,
/// follow by popularity.
/// </summary>
public sealed class MarkovKind : SequenceBaselineKind<MarkovOptions>
{
    /// <summary>The kind's name, "markov".</summary>
    public const string KindName = "markov";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "Markov-1";

    /// <inheritdoc />
    public override string Summary => "First-order Markov chain: what most often followed the user's last item, then the most popular items.";

    /// <inheritdoc />
    protected override MarkovOptions Validate(MarkovOptions options) => options.Validate();

    /// <inheritdoc />
    protected override SequenceBaseline Create(int itemCount, IReadOnlyList<int[]> sequences, MarkovOptions options) => new MarkovRecommender(itemCount, sequences, OptionsJson(options));
}

/// <summary>A fitted first-order Markov chain: transition counts per item, popularity for the rest.</summary>
public sealed class MarkovRecommender : SequenceBaseline
{
    private readonly float[] popularity;
    private readonly Dictionary<int, int>[] transitions;

    internal MarkovRecommender(int itemCount, IReadOnlyList<int[]> sequences, JsonElement options) : base(MarkovKind.KindName, itemCount, sequences, options)
    {
        popularity = Popularity(itemCount, sequences);
        transitions = new Dictionary<int, int>[itemCount];
        foreach (var s in sequences)
        {
            for (var t = 1; t < s.Length; t++)
            {
                var from = transitions[s[t - 1]] ??= [];
                from[s[t]] = from.GetValueOrDefault(s[t]) + 1;
            }
        }
    }

    /// <summary>How often <paramref name="to"/> followed <paramref name="from"/> in the training sequences.</summary>
    public int TransitionCount(int from, int to) => transitions[from]?.GetValueOrDefault(to) ?? 0;

    /// <inheritdoc />
    public override long ParameterCount => ItemCount + transitions.Sum(t => (long)(t?.Count ?? 0));

    /// <inheritdoc />
    protected override float[] Score(IReadOnlyList<int[]> histories)
    {
        // Popularity scaled into [0, 1) breaks ties among equal transition counts and fills in below every transition.
        var scale = 1f / (popularity.Max() + 1);
        var scores = new float[histories.Count * ItemCount];
        for (var u = 0; u < histories.Count; u++)
        {
            var row = scores.AsSpan(u * ItemCount, ItemCount);
            for (var i = 0; i < ItemCount; i++) row[i] = popularity[i] * scale;
            if (histories[u].Length == 0 || transitions[histories[u][^1]] is not { } next) continue;
            foreach (var (to, count) in next) row[to] += count;
        }
        return scores;
    }
}
