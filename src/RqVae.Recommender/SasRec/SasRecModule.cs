using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.SasRec;

/// <summary>
/// The SASRec network: item and position embeddings into pre-norm causal self-attention blocks, batch-first. Token 0
/// is padding; item i is token i + 1. Field names follow the PyTorch state_dict a user would expect
/// (<c>item_emb.weight</c>, <c>blocks.0.q_proj.weight</c>, …). The output is tied to the item table.
/// </summary>
internal sealed class SasRecModule : nn.Module<Tensor, Tensor>
{
    private readonly Embedding item_emb;
    private readonly Embedding pos_emb;
    private readonly Dropout emb_dropout;
    private readonly ModuleList<SasRecBlock> blocks;
    private readonly LayerNorm final_norm;
    private readonly double scale;

    public SasRecModule(int itemCount, SasRecOptions options) : base("SasRec")
    {
        Options = options;
        ItemCount = itemCount;
        item_emb = nn.Embedding(itemCount + 1, options.Dimension, padding_idx: 0);
        pos_emb = nn.Embedding(options.MaxLength, options.Dimension);
        emb_dropout = nn.Dropout(options.Dropout);
        blocks = new ModuleList<SasRecBlock>([.. Enumerable.Range(0, options.Blocks).Select(_ => new SasRecBlock(options))]);
        final_norm = nn.LayerNorm(options.Dimension);
        scale = Math.Sqrt(options.Dimension);
        RegisterComponents();
        using (no_grad())
        {
            // Embeddings at std d^-1/2, so that after the √d input scale they have unit size and the tied output starts small.
            var std = 1 / Math.Sqrt(options.Dimension);
            nn.init.normal_(item_emb.weight!, 0, std);
            item_emb.weight![0].zero_();
            nn.init.normal_(pos_emb.weight!, 0, std);
        }
    }

    public SasRecOptions Options { get; }

    public int ItemCount { get; }

    /// <summary>Hidden states [B, L, d] for left-padded token ids [B, L] (0 = padding).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var length = tokens.shape[1];
        var valid = tokens.ne(0);
        var positions = arange(length, dtype: ScalarType.Int64, device: tokens.device);
        var x = item_emb.forward(tokens).mul(scale).add(pos_emb.forward(positions));
        x = emb_dropout.forward(x).mul(valid.unsqueeze(-1));
        // Causal, and no attention to padding; every position may see itself, so no row is empty.
        var causal = ones(length, length, dtype: ScalarType.Bool, device: tokens.device).tril();
        var self = eye(length, dtype: ScalarType.Bool, device: tokens.device);
        var mask = causal.logical_and(valid.unsqueeze(1).unsqueeze(1).logical_or(self)); // [B, 1, L, L]
        foreach (var block in blocks) x = block.forward(x, mask).mul(valid.unsqueeze(-1));
        return final_norm.forward(x);
    }

    /// <summary>Scores of every item [.., N] for hidden states [.., d]: the dot product with the item table (padding row left out).</summary>
    public Tensor Scores(Tensor hidden) => hidden.matmul(item_emb.weight![1..].t());
}

/// <summary>One pre-norm Transformer block: causal multi-head self-attention, then a ReLU feed-forward layer, each with a residual.</summary>
internal sealed class SasRecBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm attn_norm;
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly LayerNorm ffn_norm;
    private readonly Linear ffn_in;
    private readonly Linear ffn_out;
    private readonly Dropout dropout;
    private readonly int heads;
    private readonly double attentionDropout;

    public SasRecBlock(SasRecOptions options) : base("SasRecBlock")
    {
        var d = options.Dimension;
        attn_norm = nn.LayerNorm(d);
        q_proj = nn.Linear(d, d);
        k_proj = nn.Linear(d, d);
        v_proj = nn.Linear(d, d);
        out_proj = nn.Linear(d, d);
        ffn_norm = nn.LayerNorm(d);
        ffn_in = nn.Linear(d, options.FeedForward);
        ffn_out = nn.Linear(options.FeedForward, d);
        dropout = nn.Dropout(options.Dropout);
        heads = options.Heads;
        attentionDropout = options.Dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        var (b, l, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var h = attn_norm.forward(x);
        Tensor Split(Tensor t) => t.view(b, l, heads, d / heads).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Split(q_proj.forward(h)), Split(k_proj.forward(h)), Split(v_proj.forward(h)),
            attn_mask: mask, p: training ? attentionDropout : 0.0);
        x = x.add(dropout.forward(out_proj.forward(attended.transpose(1, 2).reshape(b, l, d))));
        var f = ffn_out.forward(dropout.forward(nn.functional.relu(ffn_in.forward(ffn_norm.forward(x)))));
        return x.add(dropout.forward(f));
    }
}
