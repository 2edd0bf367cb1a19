using RqVae.Platform;
using RqVae.Recommender.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>A pre-norm T5 decoder block: causal self-attention, cross-attention to the encoder, feed-forward; each residual.</summary>
internal sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor?, Tensor>
{
    private readonly RmsNorm self_attention_norm;
    private readonly Attention self_attention;
    private readonly RmsNorm cross_attention_norm;
    private readonly Attention cross_attention;
    private readonly RmsNorm feed_forward_norm;
    private readonly FeedForward feed_forward;
    private readonly SeededDropout dropout;

    public DecoderLayer(TigerOptions options, Generator? generator) : base(nameof(DecoderLayer))
    {
        self_attention_norm = new RmsNorm(options.ModelDimension);
        self_attention = new Attention(options.ModelDimension, options.Heads, options.HeadDimension);
        cross_attention_norm = new RmsNorm(options.ModelDimension);
        cross_attention = new Attention(options.ModelDimension, options.Heads, options.HeadDimension);
        feed_forward_norm = new RmsNorm(options.ModelDimension);
        feed_forward = new FeedForward(options.ModelDimension, options.FeedForwardDimension, options.Dropout, generator);
        dropout = new SeededDropout(options.Dropout, generator);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="selfMask"/>: additive [1, H, T, T] (causal position bias); <paramref name="memory"/>: the encoder's output
    /// [B, S, d]; <paramref name="memoryMask"/>: additive [B, 1, 1, S] hiding the padded history positions, or null.
    /// </summary>
    public override Tensor forward(Tensor input, Tensor selfMask, Tensor memory, Tensor? memoryMask)
    {
        using var scope = NewDisposeScope();
        var (keys, values) = cross_attention.Project(memory);
        return Forward(input, selfMask, keys, values, memoryMask).MoveToOuterDisposeScope();
    }

    /// <summary>The cross-attention's keys and values of the encoder's output, computed once for many decoder inputs.</summary>
    public (Tensor Keys, Tensor Values) ProjectMemory(Tensor memory) => cross_attention.Project(memory);

    /// <summary>The block with the encoder's output already projected (see <see cref="ProjectMemory"/>).</summary>
    public Tensor Forward(Tensor input, Tensor selfMask, Tensor memoryKeys, Tensor memoryValues, Tensor? memoryMask)
    {
        using var scope = NewDisposeScope();
        var normed = self_attention_norm.forward(input);
        var x = input.add(dropout.forward(self_attention.forward(normed, normed, selfMask)), Scalars.One);
        x = x.add(dropout.forward(cross_attention.Attend(cross_attention_norm.forward(x), memoryKeys, memoryValues, memoryMask)), Scalars.One);
        x = x.add(dropout.forward(feed_forward.forward(feed_forward_norm.forward(x))), Scalars.One);
        return x.MoveToOuterDisposeScope();
    }
}
