using RqVae.Platform;
using RqVae.Recommender.Modules;
using RqVae.Recommender.Tiger.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.DecoderOnly;

/// <summary>
/// The decoder-only TIGER network: token embeddings, a stack of causal pre-norm T5 self-attention blocks sharing one
/// causal relative position bias, a final RMSNorm and the output head over the token vocabulary. Batch first. Parameter
/// names follow PyTorch conventions (<c>shared.weight</c>, <c>layers.0.self_attention.q.weight</c>, <c>lm_head.weight</c>, …).
/// </summary>
internal sealed class TigerDecoderModule : nn.Module<Tensor, Tensor?, Tensor>
{
    // The additive mask of a hidden position, held for the process (see Scalars).
    private static readonly Scalar MaskValue = (-1e9f).ToScalar();

    private readonly TigerOptions blocks;

    private readonly Embedding shared;
    private readonly Embedding? prefix_embedding;
    private readonly RelativePositionBias position_bias;
    private readonly ModuleList<EncoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly Linear lm_head;
    private readonly SeededDropout dropout;
    private readonly DenseHead? dense_head;

    /// <param name="options">The architecture.</param>
    /// <param name="vocabulary">The catalogue's tokens.</param>
    /// <param name="generator">Draws the initial weights and, while training, the dropout masks; null for a module that is loaded, not trained.</param>
    /// <param name="content">With a dense head (<see cref="TigerDecoderOptions.ContentDimension"/> &gt; 0): the items' content embeddings [N, ContentDimension].</param>
    public TigerDecoderModule(TigerDecoderOptions options, TigerVocabulary vocabulary, Generator? generator, Tensor? content = null) : base(nameof(TigerDecoderModule))
    {
        blocks = options.Blocks;
        shared = nn.Embedding(vocabulary.Size, blocks.ModelDimension);
        if (options.PrefixEmbeddings) prefix_embedding = nn.Embedding(vocabulary.PrefixCount, blocks.ModelDimension, padding_idx: 0);
        position_bias = new RelativePositionBias(blocks.PositionBuckets, blocks.MaxDistance, blocks.Heads, bidirectional: false);
        layers = new ModuleList<EncoderLayer>([.. Enumerable.Range(0, options.Layers).Select(_ => new EncoderLayer(blocks, generator))]);
        norm = new RmsNorm(blocks.ModelDimension);
        lm_head = nn.Linear(blocks.ModelDimension, vocabulary.Size, hasBias: false);
        dropout = new SeededDropout(blocks.Dropout, generator);
        if (options.ContentDimension > 0)
        {
            if (content is null || content.ndim != 2 || content.shape[0] != vocabulary.ItemCount || content.shape[1] != options.ContentDimension)
                throw new ArgumentException($"A dense head of width {options.ContentDimension} needs content embeddings [{vocabulary.ItemCount}, {options.ContentDimension}].", nameof(content));
            dense_head = new DenseHead(blocks.ModelDimension, content, options.DenseItemEmbeddings, options.DenseItemEmbeddingsFromIdPrefixes ? vocabulary : null);
        }
        RegisterComponents();
        if (generator is null) return;
        // As the encoder-decoder: PyTorch's default distributions from the run's generator, then the output head and the
        // position bias at T5's scale d^-1/2, and the prefix table at zero, so that a prefix no training item has (a cold
        // item's full ID) adds nothing rather than noise.
        RqVae.Modules.ParameterInitialization.Reset(this, generator);
        using (no_grad())
        {
            var scale = Math.Pow(blocks.ModelDimension, -0.5);
            lm_head.weight!.normal_(0, scale, generator);
            position_bias.Weight.normal_(0, scale, generator);
            prefix_embedding?.weight!.zero_();
        }
    }

    /// <summary>True when token embeddings are summed with their ID prefix's embedding (the prefix rows are then needed).</summary>
    public bool UsesPrefixes => prefix_embedding is not null;

    /// <summary>
    /// The final states [B, T, d] of <paramref name="tokens"/> [B, T] (with <paramref name="prefixes"/> [B, T], their prefix
    /// n-gram rows, when <see cref="UsesPrefixes"/>), each position seeing itself and the positions before it.
    /// </summary>
    public override Tensor forward(Tensor tokens, Tensor? prefixes)
    {
        using var scope = NewDisposeScope();
        var batch = tokens.shape[0];
        var length = tokens.shape[1];
        var causal = triu(full(length, length, MaskValue), 1).view(1, 1, length, length);
        var mask = position_bias.forward(length, length).add(causal, Scalars.One).expand(batch, blocks.Heads, length, length).contiguous();
        var x = dropout.forward(Embed(tokens, prefixes));
        foreach (var layer in layers) x = layer.forward(x, mask);
        return dropout.forward(norm.forward(x)).MoveToOuterDisposeScope();
    }

    private Tensor Embed(Tensor tokens, Tensor? prefixes)
    {
        if (prefix_embedding is null) return shared.forward(tokens);
        ArgumentNullException.ThrowIfNull(prefixes);
        using var scope = NewDisposeScope();
        return shared.forward(tokens).add(prefix_embedding.forward(prefixes), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>True when the network has a LIGER dense head.</summary>
    public bool HasDenseHead => dense_head is not null;

    /// <summary>The dense head, which reads the final state before an item's first code; throws without one.</summary>
    public DenseHead Dense => dense_head ?? throw new InvalidOperationException("This model has no dense head.");

    /// <summary>Token logits [.., V] of final states.</summary>
    public Tensor Logits(Tensor states) => lm_head.forward(states);

    /// <summary>
    /// The logits [.., size] of only the <paramref name="size"/> tokens from <paramref name="offset"/> (one level's codes):
    /// what the per-level softmax needs, at a level's share of the output head's cost.
    /// </summary>
    public Tensor LevelLogits(Tensor states, int offset, int size)
    {
        using var scope = NewDisposeScope();
        return states.matmul(lm_head.weight!.narrow(0, offset, size).t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs a left-padded prefix <paramref name="tokens"/> [B, P] (<paramref name="padding"/> true where padded) once and
    /// keeps what incremental decoding needs: the final state at the last position [B, d], every block's keys and values
    /// [B, H, P, d_kv], and the additive key mask [B, 1, 1, P] that hides the padding.
    /// </summary>
    public TigerDecoderCache Prefix(Tensor tokens, Tensor? prefixes, Tensor padding)
    {
        using var scope = NewDisposeScope();
        var batch = tokens.shape[0];
        var length = tokens.shape[1];
        var keyMask = zeros(batch, 1, 1, length).masked_fill(padding.view(batch, 1, 1, length), MaskValue);
        var causal = triu(full(length, length, MaskValue), 1).view(1, 1, length, length);
        var mask = position_bias.forward(length, length).add(causal, Scalars.One).add(keyMask, Scalars.One).expand(batch, blocks.Heads, length, length).contiguous();
        var x = dropout.forward(Embed(tokens, prefixes));
        var keys = new Tensor[layers.Count];
        var values = new Tensor[layers.Count];
        for (var l = 0; l < layers.Count; l++)
        {
            (x, keys[l], values[l]) = layers[l].ForwardCached(x, null, null, mask);
            keys[l] = keys[l].MoveToOuterDisposeScope();
            values[l] = values[l].MoveToOuterDisposeScope();
        }
        var last = dropout.forward(norm.forward(x.select(1, length - 1))).MoveToOuterDisposeScope();
        return new TigerDecoderCache(last, keys, values, keyMask.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The final states [M, T, d] of new tokens <paramref name="tokens"/> [M, T] that follow the cached prefix of row
    /// <paramref name="rows"/>[m] of <paramref name="cache"/>: each attends to that prefix (its padding hidden) and to the
    /// new tokens up to itself, with the relative positions of a sequence that continues the prefix.
    /// </summary>
    public Tensor Continue(Tensor tokens, Tensor? prefixes, TigerDecoderCache cache, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var batch = tokens.shape[0];
        var length = tokens.shape[1];
        var past = cache.KeyMask.shape[3];
        var newCausal = triu(full(length, length, MaskValue), 1).view(1, 1, length, length).expand(batch, 1, length, length);
        var keyMask = cat([cache.KeyMask.index_select(0, rows).expand(batch, 1, length, past), newCausal], 3);
        var mask = position_bias.Bias(length, past + length, past).add(keyMask, Scalars.One).expand(batch, blocks.Heads, length, past + length).contiguous();
        var x = dropout.forward(Embed(tokens, prefixes));
        for (var l = 0; l < layers.Count; l++)
            (x, _, _) = layers[l].ForwardCached(x, cache.Keys[l].index_select(0, rows), cache.Values[l].index_select(0, rows), mask);
        return dropout.forward(norm.forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>What <see cref="TigerDecoderModule.Prefix"/> keeps of a prefix: its last final state, every block's keys and values, its key mask.</summary>
internal sealed record TigerDecoderCache(Tensor Last, Tensor[] Keys, Tensor[] Values, Tensor KeyMask);
