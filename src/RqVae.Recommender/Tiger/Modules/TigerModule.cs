using RqVae.Platform;
using RqVae.Recommender.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// The TIGER network: a T5-style encoder over the history and a decoder that emits the next item's ID one token at a
/// time. Batch first. Parameter names follow PyTorch conventions (<c>shared.weight</c>, <c>encoder.layers.0.self_attention.q.weight</c>, …).
/// </summary>
internal sealed class TigerModule : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    // The additive mask of a hidden position, held for the process (see Scalars).
    private static readonly Scalar MaskValue = (-1e9f).ToScalar();

    private readonly TigerOptions options;
    private readonly int levels;

    private readonly Embedding shared;
    private readonly Embedding? prefix_embedding;
    private readonly RelativePositionBias encoder_position_bias;
    private readonly ModuleList<EncoderLayer> encoder_layers;
    private readonly RmsNorm encoder_norm;
    private readonly RelativePositionBias decoder_position_bias;
    private readonly ModuleList<DecoderLayer> decoder_layers;
    private readonly RmsNorm decoder_norm;
    private readonly Linear lm_head;
    private readonly DenseHead? dense_head;
    private readonly SeededDropout dropout;

    /// <param name="options">The architecture.</param>
    /// <param name="vocabulary">The catalogue's tokens.</param>
    /// <param name="content">With a dense head: the items' content embeddings [N, ContentDimension], kept L2-normalised as the buffer <c>dense_head.item_content</c>.</param>
    /// <param name="generator">Draws the initial weights and, while training, the dropout masks; null for a module that is loaded, not trained.</param>
    public TigerModule(TigerOptions options, TigerVocabulary vocabulary, Tensor? content, Generator? generator) : base(nameof(TigerModule))
    {
        this.options = options;
        levels = vocabulary.Levels;
        var vocabularySize = vocabulary.Size;
        shared = nn.Embedding(vocabularySize, options.ModelDimension);
        if (options.HistoryInput == TigerHistoryInput.Prefixes) prefix_embedding = nn.Embedding(vocabulary.PrefixCount, options.ModelDimension, padding_idx: 0);
        encoder_position_bias = new RelativePositionBias(options.PositionBuckets, options.MaxDistance, options.Heads, bidirectional: true);
        encoder_layers = new ModuleList<EncoderLayer>([.. Enumerable.Range(0, options.EncoderLayers).Select(_ => new EncoderLayer(options, generator))]);
        encoder_norm = new RmsNorm(options.ModelDimension);
        decoder_position_bias = new RelativePositionBias(options.PositionBuckets, options.MaxDistance, options.Heads, bidirectional: false);
        decoder_layers = new ModuleList<DecoderLayer>([.. Enumerable.Range(0, options.DecoderLayers).Select(_ => new DecoderLayer(options, generator))]);
        decoder_norm = new RmsNorm(options.ModelDimension);
        lm_head = nn.Linear(options.ModelDimension, vocabularySize, hasBias: false);
        if (options.ContentDimension > 0)
        {
            if (content is null || content.ndim != 2 || content.shape[0] != vocabulary.ItemCount || content.shape[1] != options.ContentDimension)
                throw new ArgumentException($"A dense head of width {options.ContentDimension} needs content embeddings [{vocabulary.ItemCount}, {options.ContentDimension}].", nameof(content));
            dense_head = new DenseHead(options.ModelDimension, content);
        }
        dropout = new SeededDropout(options.Dropout, generator);
        RegisterComponents();
        if (generator is null) return;
        // PyTorch's default distributions, drawn from the run's generator (linear U(±1/√fan_in), embeddings N(0, 1) as in T5),
        // then: the output head and the position biases at T5's scale d^-1/2, and the prefix table at zero, so that a
        // prefix no training item has (a cold item's full ID) adds nothing rather than noise.
        RqVae.Modules.ParameterInitialization.Reset(this, generator);
        using (no_grad())
        {
            var scale = Math.Pow(options.ModelDimension, -0.5);
            lm_head.weight!.normal_(0, scale, generator);
            encoder_position_bias.Weight.normal_(0, scale, generator);
            decoder_position_bias.Weight.normal_(0, scale, generator);
            prefix_embedding?.weight!.zero_();
        }
    }

    /// <summary>Tokens per item ID.</summary>
    public int Levels => levels;

    /// <summary>The model's settings.</summary>
    public TigerOptions Options => options;

    /// <summary>
    /// Encodes histories. <paramref name="input"/>: with <see cref="TigerHistoryInput.Codes"/>, tokens [B, S];
    /// with <see cref="TigerHistoryInput.Prefixes"/>, prefix rows [B, S, Levels] (0 = padding); <paramref name="padding"/> [B, S]
    /// is true at the positions to hide. A user token, when given [B], goes first.
    /// Returns the memory [B, S, d] and its additive key mask [B, 1, 1, S].
    /// </summary>
    public (Tensor Memory, Tensor MemoryMask) Encode(Tensor input, Tensor padding, Tensor? userTokens)
    {
        using var scope = NewDisposeScope();
        var x = prefix_embedding is null ? shared.forward(input) : prefix_embedding.forward(input).sum(2);
        if (userTokens is not null)
        {
            x = cat([shared.forward(userTokens.unsqueeze(1)), x], 1);
            padding = cat([zeros(padding.shape[0], 1, dtype: ScalarType.Bool), padding], 1);
        }
        var batch = x.shape[0];
        var length = x.shape[1];
        var keyMask = zeros(batch, 1, 1, length).masked_fill(padding.view(batch, 1, 1, length), MaskValue);
        var selfMask = encoder_position_bias.forward(length, length).add(keyMask, Scalars.One).expand(batch, options.Heads, length, length).contiguous();
        x = dropout.forward(x);
        foreach (var layer in encoder_layers) x = layer.forward(x, selfMask);
        x = dropout.forward(encoder_norm.forward(x));
        return (x.MoveToOuterDisposeScope(), keyMask.MoveToOuterDisposeScope());
    }

    /// <summary>The decoder's final states [B, T, d] for the tokens <paramref name="decoderInput"/> [B, T] (BOS first).</summary>
    public Tensor Decode(Tensor decoderInput, Tensor memory, Tensor memoryMask)
    {
        using var scope = NewDisposeScope();
        var batch = decoderInput.shape[0];
        var length = decoderInput.shape[1];
        var memoryLength = memory.shape[1];
        var causal = triu(full(length, length, MaskValue), 1).view(1, 1, length, length);
        var selfMask = decoder_position_bias.forward(length, length).add(causal, Scalars.One).expand(batch, options.Heads, length, length).contiguous();
        var crossMask = memoryMask.expand(batch, options.Heads, length, memoryLength).contiguous();
        var x = dropout.forward(shared.forward(decoderInput));
        foreach (var layer in decoder_layers) x = layer.forward(x, selfMask, memory, crossMask);
        return dropout.forward(decoder_norm.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Every decoder block's cross-attention keys and values [B, H, S, d_kv] of <paramref name="memory"/>: the beam computes them once per history, not once per beam.</summary>
    public (Tensor Keys, Tensor Values)[] ProjectMemory(Tensor memory) => [.. decoder_layers.Select(layer => layer.ProjectMemory(memory))];

    /// <summary>
    /// As <see cref="Decode"/>, with the memory already projected by <see cref="ProjectMemory"/> and gathered per row of
    /// <paramref name="decoderInput"/> by <paramref name="rows"/> (the history each beam belongs to).
    /// </summary>
    public Tensor DecodeProjected(Tensor decoderInput, (Tensor Keys, Tensor Values)[] memory, Tensor memoryMask, Tensor rows)
    {
        using var scope = NewDisposeScope();
        var batch = decoderInput.shape[0];
        var length = decoderInput.shape[1];
        var memoryLength = memoryMask.shape[3];
        var causal = triu(full(length, length, MaskValue), 1).view(1, 1, length, length);
        var selfMask = decoder_position_bias.forward(length, length).add(causal, Scalars.One).expand(batch, options.Heads, length, length).contiguous();
        var crossMask = memoryMask.index_select(0, rows).expand(batch, options.Heads, length, memoryLength).contiguous();
        var x = dropout.forward(shared.forward(decoderInput));
        for (var l = 0; l < memory.Length; l++)
            x = decoder_layers[l].Forward(x, selfMask, memory[l].Keys.index_select(0, rows), memory[l].Values.index_select(0, rows), crossMask);
        return dropout.forward(decoder_norm.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>Token logits [.., V] of decoder states.</summary>
    public Tensor Logits(Tensor states) => lm_head.forward(states);

    /// <summary>True when the model has a dense head.</summary>
    public bool HasDenseHead => dense_head is not null;

    /// <summary>The dense head; throws without one.</summary>
    public DenseHead Dense => dense_head ?? throw new InvalidOperationException("This model has no dense head.");

    /// <summary>Cosine similarity [B, N] of the dense head's prediction from <paramref name="states"/> [B, d] to every item's content embedding.</summary>
    public Tensor ContentSimilarity(Tensor states) => Dense.Similarity(states);

    /// <summary>Logits [B, T, V] of <paramref name="decoderInput"/> given the encoder <paramref name="input"/> and its <paramref name="padding"/> (no user tokens).</summary>
    public override Tensor forward(Tensor input, Tensor padding, Tensor decoderInput)
    {
        using var scope = NewDisposeScope();
        var (memory, mask) = Encode(input, padding, null);
        return Logits(Decode(decoderInput, memory, mask)).MoveToOuterDisposeScope();
    }
}
