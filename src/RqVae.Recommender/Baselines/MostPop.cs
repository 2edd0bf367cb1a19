using System.Text.Json;

namespace RqVae.Recommender.Baselines;

/// <summary>MostPop's options: it has no settings.</summary>
public sealed record MostPopOptions
{
    /// <summary>Returns the options; there is nothing to check.</summary>
    public MostPopOptions Validate() => this;
}

/// <summary>The most popular items: every user gets the items with the most training interactions (ties to the lower index).</summary>
public sealed class MostPopKind : SequenceBaselineKind<MostPopOptions>
{
    /// <summary>The kind's name, "mostpop".</summary>
    public const string KindName = "mostpop";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "MostPop";

    /// <inheritdoc />
    public override string Summary => "Recommends the items with the most training interactions, the same to everyone.";

    /// <inheritdoc />
    protected override MostPopOptions Validate(MostPopOptions options) => options.Validate();

    /// <inheritdoc />
    protected override SequenceBaseline Create(int itemCount, IReadOnlyList<int[]> sequences, MostPopOptions options) => new MostPopRecommender(itemCount, sequences, OptionsJson(options));
}

/// <summary>A fitted MostPop: the popularity of every item.</summary>
public sealed class MostPopRecommender : SequenceBaseline
{
    private readonly float[] popularity;

    internal MostPopRecommender(int itemCount, IReadOnlyList<int[]> sequences, JsonElement options) : base(MostPopKind.KindName, itemCount, sequences, options) =>
        popularity = Popularity(itemCount, sequences);

    /// <inheritdoc />
    public override long ParameterCount => ItemCount;

    /// <inheritdoc />
    protected override float[] Score(IReadOnlyList<int[]> histories)
    {
        var scores = new float[histories.Count * ItemCount];
        for (var u = 0; u < histories.Count; u++) popularity.CopyTo(scores, u * ItemCount);
        return scores;
    }
}
