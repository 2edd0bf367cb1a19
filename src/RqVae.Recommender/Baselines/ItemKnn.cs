using System.Text.Json;
using static TorchSharp.torch;

namespace RqVae.Recommender.Baselines;

/// <summary>Item-kNN's options.</summary>
public sealed record ItemKnnOptions
{
    /// <summary>How many of the user's last items vote. Default 20; at least 1.</summary>
    public int History { get; init; } = 20;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public ItemKnnOptions Validate()
    {
        if (History < 1) throw new ArgumentException($"History must be at least 1; it is {History}.", nameof(History));
        return this;
    }
}

/// <summary>
/// Item-kNN over user co-occurrence: the similarity of items i and j is the cosine of their user vectors,
/// |U_i ∩ U_j| / √(|U_i| · |U_j|) with U_i the training sequences that contain i; an item's score is the sum of its
/// similarities to the user's last <see cref="ItemKnnOptions.History"/> items; popularity breaks ties.
/// </summary>
public sealed class ItemKnnKind : SequenceBaselineKind<ItemKnnOptions>
{
    /// <summary>The kind's name, "itemknn".</summary>
    public const string KindName = "itemknn";

    /// <inheritdoc />
    public override string Name => KindName;

    /// <inheritdoc />
    public override string DisplayName => "item-kNN";

    /// <inheritdoc />
    public override string Summary => "Item-kNN: items whose users overlap most (cosine) with the user's last items.";

    /// <inheritdoc />
    protected override ItemKnnOptions Validate(ItemKnnOptions options) => options.Validate();

    /// <inheritdoc />
    protected override SequenceBaseline Create(int itemCount, IReadOnlyList<int[]> sequences, ItemKnnOptions options) => new ItemKnnRecommender(itemCount, sequences, options);
}

/// <summary>A fitted item-kNN: the item × user incidence matrix with each row divided by √|U_i|.</summary>
public sealed class ItemKnnRecommender : SequenceBaseline
{
    private readonly ItemKnnOptions options;
    private readonly float[] popularity;
    private readonly Tensor normalised;

    internal ItemKnnRecommender(int itemCount, IReadOnlyList<int[]> sequences, ItemKnnOptions options) : base(ItemKnnKind.KindName, itemCount, sequences, RecommenderKind<ItemKnnOptions>.OptionsJson(options))
    {
        this.options = options;
        popularity = Popularity(itemCount, sequences);
        var users = Math.Max(1, sequences.Count);
        var incidence = new float[(long)itemCount * users];
        for (var u = 0; u < sequences.Count; u++)
        {
            foreach (var i in sequences[u]) incidence[(long)i * users + u] = 1;
        }
        var userCounts = new float[itemCount];
        for (var i = 0; i < itemCount; i++)
        {
            for (var u = 0; u < users; u++) userCounts[i] += incidence[(long)i * users + u];
        }
        for (var i = 0; i < itemCount; i++)
        {
            if (userCounts[i] == 0) continue;
            var scale = 1 / MathF.Sqrt(userCounts[i]);
            for (var u = 0; u < users; u++) incidence[(long)i * users + u] *= scale;
        }
        normalised = tensor(incidence, [itemCount, users]);
    }

    /// <summary>The cosine similarity of items <paramref name="i"/> and <paramref name="j"/> over users.</summary>
    public double Similarity(int i, int j)
    {
        using var scope = NewDisposeScope();
        return normalised[i].dot(normalised[j]).item<float>();
    }

    /// <inheritdoc />
    public override long ParameterCount => normalised.numel();

    /// <inheritdoc />
    protected override float[] Score(IReadOnlyList<int[]> histories)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = histories.Count;
        var votes = new float[(long)n * ItemCount];
        for (var u = 0; u < n; u++)
        {
            var h = histories[u];
            for (var t = Math.Max(0, h.Length - options.History); t < h.Length; t++) votes[(long)u * ItemCount + h[t]] += 1;
        }
        // scores = votes · S with S = X Xᵀ (X the normalised incidence), computed as (votes · X) · Xᵀ.
        var v = tensor(votes, [n, ItemCount]);
        var scores = v.mm(normalised).mm(normalised.t()).contiguous().data<float>().ToArray();
        // Popularity scaled far below the smallest similarity step orders the items no neighbour reaches.
        var scale = 1e-6f / (popularity.Max() + 1);
        for (var u = 0; u < n; u++)
        {
            for (var i = 0; i < ItemCount; i++) scores[(long)u * ItemCount + i] += popularity[i] * scale;
        }
        return scores;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) normalised.Dispose();
    }
}
