using RqVae.Recommender.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>A pre-norm T5 encoder block: x + drop(attn(norm(x))), then x + drop(ff(norm(x))).</summary>
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
        var x = input + dropout.forward(self_attention.forward(normed, normed, mask));
        x = x + dropout.forward(feed_forward.forward(feed_forward_norm.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
