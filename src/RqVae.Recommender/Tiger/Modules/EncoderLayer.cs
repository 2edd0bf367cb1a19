using RqVae.Platform;
using RqVae.Recommender.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// A pre-norm T5 self-attention block: x + drop(attn(norm(x))), then x + drop(ff(norm(x))). The encoder's block, and,
/// with a causal mask, the block of the decoder-only network (which also decodes incrementally through <see cref="ForwardCached"/>).
/// </summary>
internal sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly RmsNorm self_attention_norm;
    private readonly Attention self_attention;
    private readonly RmsNorm feed_forward_norm;
    private readonly FeedForward feed_forward;
    private readonly SeededDropout dropout;

    public EncoderLayer(TigerOptions options, Generator? generator) : base(nameof(EncoderLayer))
    {
        self_attention_norm = new RmsNorm(options.ModelDimension);
        self_attention = new Attention(options.ModelDimension, options.Heads, options.HeadDimension);
        feed_forward_norm = new RmsNorm(options.ModelDimension);
        feed_forward = new FeedForward(options.ModelDimension, options.FeedForwardDimension, options.Dropout, generator);
        dropout = new SeededDropout(options.Dropout, generator);
        RegisterComponents();
    }

    /// <summary><paramref name="mask"/>: additive [B or 1, H, L, L] (position bias plus padding).</summary>
    public override Tensor forward(Tensor input, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var normed = self_attention_norm.forward(input);
        var x = input.add(dropout.forward(self_attention.forward(normed, normed, mask)), Scalars.One);
        x = x.add(dropout.forward(feed_forward.forward(feed_forward_norm.forward(x))), Scalars.One);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The block over new positions <paramref name="input"/> [B, T, d] that attend to the cached keys and values of
    /// earlier positions (<paramref name="pastKeys"/>, <paramref name="pastValues"/> [B, H, P, d_kv], or null for none)
    /// and to themselves, under the additive <paramref name="mask"/> [B, H, T, P + T]. Returns the output and the keys
    /// and values of all P + T positions, to cache for the next call.
    /// </summary>
    public (Tensor Output, Tensor Keys, Tensor Values) ForwardCached(Tensor input, Tensor? pastKeys, Tensor? pastValues, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var normed = self_attention_norm.forward(input);
        var (keys, values) = self_attention.Project(normed);
        if (pastKeys is not null && pastValues is not null)
        {
            keys = cat([pastKeys, keys], 2);
            values = cat([pastValues, values], 2);
        }
        var x = input.add(dropout.forward(self_attention.Attend(normed, keys, values, mask)), Scalars.One);
        x = x.add(dropout.forward(feed_forward.forward(feed_forward_norm.forward(x))), Scalars.One);
        return (x.MoveToOuterDisposeScope(), keys.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
    }
}
