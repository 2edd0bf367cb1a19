using RqVae.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// The LIGER dense head both TIGER networks share: a projection of the network's state before the next item's first
/// code to the items' content-embedding space, compared by cosine with every item's content embedding (kept
/// L2-normalised as the buffer <c>item_content</c>). Trained by a softmax over the cosines to the warm items; used to
/// rank generated candidates and cold items by content (<see cref="DenseRanking"/>).
/// </summary>
internal sealed class DenseHead : nn.Module<Tensor, Tensor>
{
    // The logit of an item no example may push down (held for the process: see Scalars).
    private static readonly Scalar ColdLogit = (-1e9f).ToScalar();
    private readonly Linear projection;
    private readonly Tensor item_content;
    private readonly Parameter? item_embedding;
    private readonly Parameter? item_prefix_embedding;
    // Each item's rows of item_prefix_embedding, [N × levels] row-major: an array rather than a tensor field, which
    // RegisterComponents would save with the weights although the ID table rebuilds it.
    private readonly long[]? itemPrefixRows;

    /// <param name="modelDimension">Width of the network's states.</param>
    /// <param name="content">The items' content embeddings [N, C] (copied, normalised).</param>
    /// <param name="itemEmbeddings">Adds a learned embedding per item (zeros at first) to the score; see <see cref="Logits(Tensor, double, Tensor)"/>.</param>
    /// <param name="idPrefixes">
    /// With <paramref name="itemEmbeddings"/>: makes an item's learned embedding the sum of learned embeddings of its ID's
    /// prefixes (c₁), (c₁, c₂), …, the full ID last (the vocabulary's prefix rows, zeros at first), so that items sharing a
    /// prefix share part of it; null for one free embedding per item.
    /// </param>
    public DenseHead(int modelDimension, Tensor content, bool itemEmbeddings = false, TigerVocabulary? idPrefixes = null) : base(nameof(DenseHead))
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.ndim != 2) throw new ArgumentException($"Content embeddings must be [items, dimension], not {content.ndim}-dimensional.", nameof(content));
        if (idPrefixes is not null && idPrefixes.ItemCount != content.shape[0])
            throw new ArgumentException($"The ID prefixes are of {idPrefixes.ItemCount} items, the content embeddings of {content.shape[0]}.", nameof(idPrefixes));
        projection = nn.Linear(modelDimension, content.shape[1], hasBias: false);
        using (no_grad())
        {
            using var asFloat = content.to_type(ScalarType.Float32);
            item_content = nn.functional.normalize(asFloat, dim: 1);
        }
        if (itemEmbeddings && idPrefixes is not null)
        {
            item_prefix_embedding = new Parameter(zeros(idPrefixes.PrefixCount, modelDimension));
            itemPrefixRows = new long[idPrefixes.ItemCount * idPrefixes.Levels];
            for (var i = 0; i < idPrefixes.ItemCount; i++)
            {
                var rows = idPrefixes.Prefixes(i);
                for (var l = 0; l < rows.Length; l++) itemPrefixRows[i * rows.Length + l] = rows[l];
            }
        }
        else if (itemEmbeddings) item_embedding = new Parameter(zeros(content.shape[0], modelDimension));
        RegisterComponents();
    }

    /// <summary>
    /// What a trainer gives the head: the items' content embeddings as a tensor and their width when
    /// <paramref name="denseWeight"/> asks for a head, else no tensor and width 0; <paramref name="missing"/> is the
    /// error when the data carry no embeddings.
    /// </summary>
    internal static (Tensor? Content, int Dimension) ContentFor(RecommenderTrainingData data, double denseWeight, string missing)
    {
        if (denseWeight <= 0) return (null, 0);
        var embeddings = data.ItemEmbeddings ?? throw new RecommenderInputException(missing);
        return (tensor(embeddings), embeddings.GetLength(1));
    }

    /// <summary>True when the score adds a learned embedding per item to the content term.</summary>
    public bool HasItemEmbeddings => item_embedding is not null || item_prefix_embedding is not null;

    /// <summary>True when an item's learned embedding is the sum of its ID prefixes' embeddings.</summary>
    public bool ItemEmbeddingsFromIdPrefixes => item_prefix_embedding is not null;

    /// <summary>
    /// Every item's learned embedding [N, d] (with gradient): its own row, or the sum of its ID prefixes' rows; null when the
    /// head learns none. The free table itself is returned, not a copy.
    /// </summary>
    public Tensor? LearnedItemEmbeddings()
    {
        if (item_prefix_embedding is null) return item_embedding;
        using var scope = NewDisposeScope();
        var levels = itemPrefixRows!.Length / ItemCount;
        var rows = tensor(itemPrefixRows);
        return item_prefix_embedding.index_select(0, rows).view(ItemCount, levels, -1).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Items whose content embeddings the head compares with.</summary>
    public long ItemCount => item_content.shape[0];

    /// <summary>The predicted content embedding [.., C] (not normalised) of states [.., d].</summary>
    public override Tensor forward(Tensor states) => projection.forward(states);

    /// <summary>
    /// The head's score [M, N] of every item for each of <paramref name="states"/> [M, d]: the cosine to the item's content
    /// over <paramref name="temperature"/>, plus the state's dot product with the item's learned embedding when the head
    /// has them. Without them it orders items as <see cref="Similarity"/> does.
    /// </summary>
    /// <param name="states">[M, d].</param>
    /// <param name="temperature">The cosine's temperature.</param>
    /// <param name="itemEmbeddings">[N, d] in place of the learned ones (see <see cref="ItemEmbeddingsWithColdFromNeighbours"/>); null for them.</param>
    public Tensor Logits(Tensor states, double temperature, Tensor? itemEmbeddings = null)
    {
        using var temperatureScalar = temperature.ToScalar();
        return Logits(states, temperatureScalar, itemEmbeddings);
    }

    private Tensor Logits(Tensor states, Scalar temperature, Tensor? itemEmbeddings = null)
    {
        using var scope = NewDisposeScope();
        if ((itemEmbeddings ?? LearnedItemEmbeddings()) is not { } embeddings) return Similarity(states).div(temperature).MoveToOuterDisposeScope();
        // Both terms in one product of width 2d: [h / (τ |P h|), h] · [C P, e]ᵀ.
        var scaled = states.div(ProjectedNorms(states).mul(temperature));
        return cat([scaled, states], 1).matmul(cat([ContentInStateSpace(), embeddings], 1).t()).MoveToOuterDisposeScope();
    }

    // cos(P h, c_i) = h · (Pᵀ c_i) / |P h| for unit c_i, so the items' content is brought to the states' width d once a
    // call ([N, C] · [C, d]) and each state is compared there: M · N · d multiply-adds instead of M · N · C, where the
    // content is far wider than the states (384 against 64 on MovieLens), and the same cosines up to rounding.
    private Tensor ContentInStateSpace() => item_content.matmul(projection.weight!);

    // |P h| per row [M, 1], floored as nn.functional.normalize floors it.
    private Tensor ProjectedNorms(Tensor states)
    {
        using var scope = NewDisposeScope();
        using var floor = 1e-12.ToScalar();
        return projection.forward(states).norm(1, keepdim: true).clamp_min(floor).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The learned item embeddings [N, d] with each <paramref name="cold"/> item's row replaced by the mean of the rows of the
    /// <paramref name="neighbours"/> warm items whose content is nearest to its own (cosine; ties to the smaller item); null
    /// when the head learns none, or when there is no cold item, no warm one or no neighbour to take.
    /// </summary>
    public Tensor? ItemEmbeddingsWithColdFromNeighbours(IReadOnlyList<bool> cold, int neighbours)
    {
        ArgumentNullException.ThrowIfNull(cold);
        if (cold.Count != ItemCount) throw new ArgumentException($"{cold.Count} cold flags for {ItemCount} items.", nameof(cold));
        var coldItems = Enumerable.Range(0, cold.Count).Where(i => cold[i]).Select(i => (long)i).ToArray();
        var warmItems = Enumerable.Range(0, cold.Count).Where(i => !cold[i]).Select(i => (long)i).ToArray();
        if (!HasItemEmbeddings || neighbours == 0 || coldItems.Length == 0 || warmItems.Length == 0) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var learned = LearnedItemEmbeddings()!;
        var coldIndex = tensor(coldItems);
        var warmIndex = tensor(warmItems);
        var similarity = item_content.index_select(0, coldIndex).matmul(item_content.index_select(0, warmIndex).t());
        var take = Math.Min(neighbours, warmItems.Length);
        // A stable sort, so that equal cosines go to the smaller item whatever the thread count.
        var nearest = warmIndex.index_select(0, similarity.sort(1, descending: true, stable: true).Indices.narrow(1, 0, take).reshape(-1));
        var borrowed = learned.index_select(0, nearest).view(coldItems.Length, take, -1).mean([1L]);
        return learned.detach().clone().index_copy_(0, coldIndex, borrowed).MoveToOuterDisposeScope();
    }

    /// <summary>Cosine similarity [M, N] of the prediction from each of <paramref name="states"/> [M, d] to every item's content embedding.</summary>
    public Tensor Similarity(Tensor states)
    {
        using var scope = NewDisposeScope();
        return states.matmul(ContentInStateSpace().t()).div(ProjectedNorms(states)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The mean over the rows of <paramref name="states"/> [M, d] whose <paramref name="targets"/> [M] is not
    /// <paramref name="ignored"/> of the cross-entropy of the softmax over the cosines / <paramref name="temperature"/> to
    /// every item, the <paramref name="cold"/> items [N] masked out: no training example may push down an item it cannot
    /// name, so a cold item's score stays what its content earns.
    /// </summary>
    public Tensor Loss(Tensor states, Tensor targets, Tensor cold, double temperature, long ignored = -100)
    {
        using var scope = NewDisposeScope();
        using var temperatureScalar = temperature.ToScalar();
        var logits = Logits(states, temperatureScalar).masked_fill(cold.unsqueeze(0), ColdLogit);
        return nn.functional.cross_entropy(logits, targets, ignore_index: ignored).MoveToOuterDisposeScope();
    }
}
