using RqVae.Modules;
using RqVae.Platform;
using RqVae.Recommender.Modules;
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
    private readonly SeededDropout emb_dropout;
    private readonly ModuleList<SasRecBlock> blocks;
    private readonly LayerNorm final_norm;
    private readonly Tensor item_trained;
    private readonly double scale;

    /// <param name="itemCount">Items in the catalogue.</param>
    /// <param name="options">The architecture.</param>
    /// <param name="generator">
    /// Draws the initial weights and, while training, every dropout mask, so that a run depends on its own seed only,
    /// whatever else runs in the process; null for a module whose weights are loaded or copied in.
    /// </param>
    public SasRecModule(int itemCount, SasRecOptions options, Generator? generator) : base("SasRec")
    {
        Options = options;
        ItemCount = itemCount;
        item_emb = nn.Embedding(itemCount + 1, options.Dimension, padding_idx: 0);
        pos_emb = nn.Embedding(options.MaxLength, options.Dimension);
        emb_dropout = new SeededDropout(options.Dropout, generator);
        blocks = new ModuleList<SasRecBlock>([.. Enumerable.Range(0, options.Blocks).Select(_ => new SasRecBlock(options, generator))]);
        final_norm = nn.LayerNorm(options.Dimension);
        item_trained = ones(itemCount, dtype: ScalarType.Byte);
        scale = Math.Sqrt(options.Dimension);
        RegisterComponents();
        if (generator is null) return;
        // PyTorch's default Linear initialisation, drawn from the run's generator; then the embeddings at std d^-1/2, so
        // that after the √d input scale they have unit size and the tied output starts small.
        ParameterInitialization.Reset(this, generator);
        using (no_grad())
        {
            var std = 1 / Math.Sqrt(options.Dimension);
            item_emb.weight!.normal_(0, std, generator);
            item_emb.weight![0].zero_();
            pos_emb.weight!.normal_(0, std, generator);
        }
    }

    public SasRecOptions Options { get; }

    public int ItemCount { get; }

    /// <summary>Hidden states [B, L, d] for left-padded token ids [B, L] (0 = padding).</summary>
    public override Tensor forward(Tensor tokens)
    {
        var length = tokens.shape[1];
        var valid = tokens.ne(Scalars.Zero);
        var keep = valid.unsqueeze(-1);
        using var stop = length.ToScalar();
        using var embeddingScale = scale.ToScalar();
        var positions = arange(stop, dtype: ScalarType.Int64, device: tokens.device);
        var x = item_emb.forward(tokens).mul(embeddingScale).add(pos_emb.forward(positions), Scalars.One);
        x = emb_dropout.forward(x).mul(keep);
        var mask = AttentionMask(valid);
        foreach (var block in blocks) x = block.forward(x, mask).mul(keep);
        return final_norm.forward(x);
    }

    /// <summary>
    /// Which keys each query may attend to, [B, 1, L, L]: earlier or the same position (causal) and not padding. A padded
    /// query sees only itself, so no row is empty (its output is zeroed and never scored).
    /// </summary>
    internal static Tensor AttentionMask(Tensor valid)
    {
        var length = valid.shape[1];
        var causal = ones(length, length, dtype: ScalarType.Bool, device: valid.device).tril();
        var self = eye(length, dtype: ScalarType.Bool, device: valid.device);
        return causal.logical_and(valid.unsqueeze(1).unsqueeze(1).logical_or(self));
    }

    /// <summary>
    /// Records which items occur in <paramref name="sequences"/> (a buffer, saved with the weights). The others (held-out
    /// items, items nobody had in training) have input embeddings that training never shaped.
    /// </summary>
    public void MarkTrained(IReadOnlyList<int[]> sequences)
    {
        var trained = new byte[ItemCount];
        foreach (var s in sequences)
        {
            foreach (var i in s) trained[i] = 1;
        }
        using var noGrad = no_grad();
        using var values = tensor(trained);
        item_trained.copy_(values);
    }

    /// <summary>Per item, whether it occurred in the training sequences (see <see cref="MarkTrained"/>).</summary>
    public bool[] TrainedItems() => [.. item_trained.data<byte>().ToArray().Select(b => b != 0)];

    /// <summary>Scores of every item [.., N] for hidden states [.., d]: the dot product with the item table (padding row left out).</summary>
    public Tensor Scores(Tensor hidden) => hidden.matmul(item_emb.weight![1..].t());
}

/// <summary>One pre-norm Transformer block: causal multi-head self-attention, then a ReLU feed-forward layer, each with a residual.</summary>
internal sealed class SasRecBlock : nn.Module<Tensor, Tensor, Tensor>
{
    // The masked logits' value, held for the process (see Scalars).
    private static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();
    private readonly LayerNorm attn_norm;
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear out_proj;
    private readonly LayerNorm ffn_norm;
    private readonly Linear ffn_in;
    private readonly Linear ffn_out;
    private readonly SeededDropout dropout;
    private readonly int heads;

    public SasRecBlock(SasRecOptions options, Generator? generator) : base("SasRecBlock")
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
        dropout = new SeededDropout(options.Dropout, generator);
        heads = options.Heads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        var (b, l, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var h = attn_norm.forward(x);
        Tensor Split(Tensor t) => t.view(b, l, heads, d / heads).transpose(1, 2);
        // Attention written out rather than libtorch's fused kernel, whose dropout on the weights would draw from the
        // process-wide generator; at SASRec's lengths (≤ 50) the [L, L] weights are small.
        using var temperature = Math.Sqrt(d / heads).ToScalar();
        var logits = Split(q_proj.forward(h)).matmul(Split(k_proj.forward(h)).transpose(-2, -1)).div(temperature);
        var weights = dropout.forward(logits.masked_fill(mask.logical_not(), NegativeInfinity).softmax(-1));
        var attended = weights.matmul(Split(v_proj.forward(h)));
        x = x.add(dropout.forward(out_proj.forward(attended.transpose(1, 2).reshape(b, l, d))), Scalars.One);
        var f = ffn_out.forward(dropout.forward(nn.functional.relu(ffn_in.forward(ffn_norm.forward(x)))));
        return x.add(dropout.forward(f), Scalars.One);
    }
}
