using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>
/// Multi-head attention from four bias-free linear maps and libtorch's fused scaled dot-product kernel,
/// batch first ([batch, length, d_model]). The additive float mask carries the relative position bias, the
/// padding and (in the decoder) the causal mask together. No dropout on the attention weights: libtorch would draw it
/// from the process-wide generator, which concurrent runs share; the blocks drop out on their residual branches instead.
/// </summary>
internal sealed class Attention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly int heads;
    private readonly int headDimension;

    // PyTorch names as in Hugging Face's T5: q, k, v, o.
    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Linear o;

    public Attention(int modelDimension, int heads, int headDimension) : base(nameof(Attention))
    {
        this.heads = heads;
        this.headDimension = headDimension;
        q = nn.Linear(modelDimension, heads * headDimension, hasBias: false);
        k = nn.Linear(modelDimension, heads * headDimension, hasBias: false);
        v = nn.Linear(modelDimension, heads * headDimension, hasBias: false);
        o = nn.Linear(heads * headDimension, modelDimension, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Attends from <paramref name="query"/> [B, Lq, d] to <paramref name="memory"/> [B, Lk, d] with the additive <paramref name="mask"/> (broadcast to [B, H, Lq, Lk]).</summary>
    public override Tensor forward(Tensor query, Tensor memory, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (keys, values) = Project(memory);
        return Attend(query, keys, values, mask).MoveToOuterDisposeScope();
    }

    /// <summary>The keys and values [B, H, Lk, d_kv] of <paramref name="memory"/> [B, Lk, d], to attend to many times (the beam's cross-attention).</summary>
    public (Tensor Keys, Tensor Values) Project(Tensor memory)
    {
        using var scope = NewDisposeScope();
        var batch = memory.shape[0];
        var length = memory.shape[1];
        var kh = k.forward(memory).view(batch, length, heads, headDimension).transpose(1, 2);
        var vh = v.forward(memory).view(batch, length, heads, headDimension).transpose(1, 2);
        return (kh.MoveToOuterDisposeScope(), vh.MoveToOuterDisposeScope());
    }

    /// <summary>Attends from <paramref name="query"/> [B, Lq, d] to projected <paramref name="keys"/> and <paramref name="values"/>.</summary>
    public Tensor Attend(Tensor query, Tensor keys, Tensor values, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var batch = query.shape[0];
        var queries = query.shape[1];
        var qh = q.forward(query).view(batch, queries, heads, headDimension).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(qh, keys, values, mask);
        var merged = attended.transpose(1, 2).reshape(batch, queries, heads * headDimension);
        return o.forward(merged).MoveToOuterDisposeScope();
    }
}
