using RqVae.Training.Resources;

namespace RqVae.Recommender.Tiger;

/// <summary>
/// What a TIGER fit needs in memory, worked out from the options and the catalogue before anything is allocated, on the
/// high side: weights with their gradients, AdamW's two moments and the best epoch's copy; one step's activations (every
/// block's inputs, attention maps and feed-forward hidden states, ×3 for the backward pass); one search batch of the beam.
/// </summary>
/// <param name="Parameters">Learned numbers of the network.</param>
/// <param name="Weights">Weights, gradients, optimizer state, the best copy and a checkpoint's serialisation, in bytes.</param>
/// <param name="Step">One training step's activations and their gradients, in bytes.</param>
/// <param name="Search">One batch of the constrained beam search, in bytes.</param>
public sealed record TigerMemoryEstimate(long Parameters, long Weights, long Step, long Search)
{
    /// <summary>Everything the fit allocates (the runtime itself not included).</summary>
    public long Total => Weights + Step + Search;

    /// <summary>Estimates a fit of <paramref name="options"/> over <paramref name="vocabulary"/> with histories of <paramref name="maxHistory"/> items.</summary>
    public static TigerMemoryEstimate For(TigerRecommenderOptions options, TigerVocabulary vocabulary, int items, int maxHistory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var m = options.Model;
        long d = m.ModelDimension, inner = (long)m.Heads * m.HeadDimension, ff = m.FeedForwardDimension;
        long block = 4 * d * inner + 2 * d * ff + 2 * d;
        var parameters = (long)vocabulary.Size * d * 2 + m.EncoderLayers * block + m.DecoderLayers * (block + 4 * d * inner + d)
                         + (m.HistoryInput == TigerHistoryInput.Prefixes ? (long)vocabulary.PrefixCount * d : 0) + 2L * m.PositionBuckets * m.Heads
                         + (long)m.ContentDimension * (d + items);
        var weights = parameters * 4 * 6;
        long source = (long)maxHistory * (m.HistoryInput == TigerHistoryInput.Codes ? vocabulary.Levels : 1), target = vocabulary.Levels;
        long PerLayer(long length, long keys) => length * (6 * d + 3 * inner + ff) + (long)m.Heads * length * keys * 2;
        var perExample = m.EncoderLayers * PerLayer(source, source) + m.DecoderLayers * (PerLayer(target, target) + PerLayer(target, source))
                         + target * vocabulary.Size * 2 + (m.ContentDimension > 0 ? items * 2L : 0);
        var step = perExample * options.BatchSize * 4 * 3;
        var beams = (long)TigerRecommender.SearchBatch * Math.Max(options.Beam, 20);
        var search = beams * (source * d * 2 + m.DecoderLayers * PerLayer(target, source) + vocabulary.Size) * 4;
        return new TigerMemoryEstimate(parameters, weights, step, search);
    }

    /// <summary>Estimates a fit of the decoder-only network <paramref name="options"/> over <paramref name="vocabulary"/>.</summary>
    public static TigerMemoryEstimate ForDecoderOnly(DecoderOnly.TigerDecoderOptions options, TigerVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vocabulary);
        long d = options.ModelDimension, inner = (long)options.Heads * options.HeadDimension, ff = options.FeedForwardDimension;
        long content = options.ContentDimension;
        var parameters = (long)vocabulary.Size * d * 2 + options.Layers * (4 * d * inner + 2 * d * ff + 2 * d) + d + (long)options.PositionBuckets * options.Heads + d * content
            + (options.PrefixEmbeddings ? vocabulary.PrefixCount * d : 0)
            + (options.DenseItemEmbeddings && content > 0 ? (options.DenseItemEmbeddingsFromIdPrefixes ? vocabulary.PrefixCount : vocabulary.ItemCount) * d : 0);
        var weights = parameters * 4 * 6 + vocabulary.ItemCount * content * 4;
        long length = 1 + (long)options.Window * vocabulary.Levels;
        long PerLayer(long queries, long keys) => queries * (6 * d + 3 * inner + ff) + (long)options.Heads * queries * keys * 2;
        // The dense head's cosines to every item at each window item's first-code position.
        var dense = content > 0 ? (long)options.Window * vocabulary.ItemCount * 2 : 0;
        var step = (options.Layers * PerLayer(length, length) + length * vocabulary.Size * 2 + dense) * options.BatchSize * 4 * 3;
        long prefix = 1 + (long)options.EffectiveMaxHistory * vocabulary.Levels;
        var beams = (long)DecoderOnly.TigerDecoderRecommender.SearchBatch * Math.Max(options.Beam, 20);
        var search = beams * (options.Layers * (2 * inner * prefix + PerLayer(vocabulary.Levels, prefix + vocabulary.Levels)) + vocabulary.Size) * 4;
        return new TigerMemoryEstimate(parameters, weights, step, search);
    }

    /// <summary>Throws <see cref="InsufficientMemoryForTrainingException"/>-like <see cref="RecommenderInputException"/> when the fit cannot fit in <paramref name="availableBytes"/>.</summary>
    public void EnsureFits(long availableBytes)
    {
        if (Total > availableBytes)
            throw new RecommenderInputException($"A TIGER fit needs {Describe()}, but only {TrainingMemoryEstimate.Format(availableBytes)} is available; lower BatchSize, Beam or the model size.");
    }

    /// <summary>A one-line breakdown.</summary>
    public string Describe() => $"about {TrainingMemoryEstimate.Format(Total)} (weights+optimizer {TrainingMemoryEstimate.Format(Weights)}, per step {TrainingMemoryEstimate.Format(Step)}, search {TrainingMemoryEstimate.Format(Search)}; {Parameters:N0} parameters)";
}
