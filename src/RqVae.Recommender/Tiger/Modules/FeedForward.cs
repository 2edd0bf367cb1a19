using RqVae.Recommender.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Recommender.Tiger.Modules;

/// <summary>T5's feed-forward block: wo(dropout(relu(wi(x)))), both maps bias-free.</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    // PyTorch names as in Hugging Face's T5 DenseReluDense: wi, wo.
    private readonly Linear wi;
    private readonly Linear wo;
    private readonly SeededDropout dropout;

    public FeedForward(int modelDimension, int hiddenDimension, double dropout, Generator? generator) : base(nameof(FeedForward))
    {
        wi = nn.Linear(modelDimension, hiddenDimension, hasBias: false);
        wo = nn.Linear(hiddenDimension, modelDimension, hasBias: false);
        this.dropout = new SeededDropout(dropout, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return wo.forward(dropout.forward(nn.functional.relu(wi.forward(input)))).MoveToOuterDisposeScope();
    }
}
