using RqVae.Model;
using RqVae.Tokenizers;

namespace RqVae.SemanticIds;

/// <summary>
/// Similar-item recommendations from semantic IDs. The catalogue is encoded and indexed once, when the
/// recommender is built; a query encodes only the query item (the reference pseudo-code's
/// <c>find_similar_items</c> re-encoded the whole catalogue for every query and compared IDs
/// position by position, which ignores their hierarchy).
/// </summary>
public sealed class SemanticIdRecommender
{
    private readonly ISemanticIdTokenizer tokenizer;

    /// <summary>Encodes and indexes the catalogue <paramref name="catalogue"/> (row-major features).</summary>
    public SemanticIdRecommender(ISemanticIdTokenizer tokenizer, ReadOnlySpan<float> catalogue)
        : this(tokenizer, (tokenizer ?? throw new ArgumentNullException(nameof(tokenizer))).Encode(catalogue))
    {
    }

    /// <summary>Indexes a catalogue whose IDs were already computed by <paramref name="tokenizer"/>.</summary>
    public SemanticIdRecommender(ISemanticIdTokenizer tokenizer, SemanticIdTable catalogueIds)
    {
        this.tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Index = SemanticIdIndex.Build(tokenizer, catalogueIds);
    }

    /// <summary>The index over the catalogue.</summary>
    public SemanticIdIndex Index { get; }

    /// <summary>Top-<paramref name="k"/> catalogue items similar to catalogue item <paramref name="row"/>, itself excluded.</summary>
    public IReadOnlyList<SimilarItem> SimilarTo(int row, int k = 10) => Index.SimilarTo(row, k);

    /// <summary>Top-<paramref name="k"/> catalogue items similar to a new item given by its features.</summary>
    public IReadOnlyList<SimilarItem> SimilarTo(ReadOnlySpan<float> features, int k = 10)
    {
        if (features.Length != tokenizer.InputDimension)
            throw new ArgumentException($"The query has {features.Length} values; the model takes {tokenizer.InputDimension}.", nameof(features));
        var id = tokenizer.Encode(features);
        return Index.Query(id[0], k);
    }
}
