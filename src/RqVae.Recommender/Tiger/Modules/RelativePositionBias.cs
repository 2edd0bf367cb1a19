using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// T5's relative position bias: a learned scalar per head for each bucket of the distance key − query, exact
/// for small distances and logarithmic up to <c>maxDistance</c>; bidirectional in the encoder (the sign is a
/// bucket bit), causal in the decoder (only keys at or before the query). One instance per stack, shared by its layers.
/// </summary>
internal sealed class RelativePositionBias : nn.Module<long, long, Tensor>
{
    private readonly int buckets;
    private readonly int maxDistance;
    private readonly bool bidirectional;

    // PyTorch name: "relative_attention_bias" (as in Hugging Face's T5), [buckets, heads].
    private readonly Embedding relative_attention_bias;

    public RelativePositionBias(int buckets, int maxDistance, int heads, bool bidirectional) : base(nameof(RelativePositionBias))
    {
        this.buckets = buckets;
        this.maxDistance = maxDistance;
        this.bidirectional = bidirectional;
        relative_attention_bias = nn.Embedding(buckets, heads);
        RegisterComponents();
    }

    /// <summary>The learned table [buckets, heads].</summary>
    public Parameter Weight => relative_attention_bias.weight!;

    /// <summary>The bias [1, heads, queries, keys] for <paramref name="queries"/> × <paramref name="keys"/> positions.</summary>
    public override Tensor forward(long queries, long keys) => Bias(queries, keys, 0);

    /// <summary>
    /// The bias [1, heads, queries, keys] when the queries sit at positions <paramref name="queryOffset"/> … and the keys at
    /// 0 …: the incremental decoding of a causal stack, whose new tokens attend to cached earlier ones.
    /// </summary>
    public Tensor Bias(long queries, long keys, long queryOffset)
    {
        using var scope = NewDisposeScope();
        var index = new long[queries * keys];
        for (var q = 0; q < queries; q++)
            for (var k = 0; k < keys; k++)
                index[q * keys + k] = Bucket(k - (q + queryOffset), bidirectional, buckets, maxDistance);
        using var indices = tensor(index, [queries, keys]);
        return relative_attention_bias.forward(indices).permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>T5's bucket of the relative position <paramref name="relative"/> = key − query.</summary>
    public static int Bucket(long relative, bool bidirectional, int buckets, int maxDistance)
    {
        var result = 0;
        long n;
        if (bidirectional)
        {
            buckets /= 2;
            if (relative > 0) result += buckets;
            n = Math.Abs(relative);
        }
        else
        {
            n = Math.Max(-relative, 0);
        }
        var maxExact = buckets / 2;
        if (n < maxExact) return result + (int)n;
        var large = maxExact + (int)(Math.Log((double)n / maxExact) / Math.Log((double)maxDistance / maxExact) * (buckets - maxExact));
        return result + Math.Min(large, buckets - 1);
    }
}
