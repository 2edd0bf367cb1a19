using RqVae.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace RqVae.Recommender.Modules;

/// <summary>
/// Inverted dropout drawing its masks from the run's own generator rather than torch's process-wide one, so a run is
/// reproducible (and resumable) even while other trainings run in the same process.
/// </summary>
internal sealed class SeededDropout : nn.Module<Tensor, Tensor>
{
    private readonly double probability;
    private readonly Generator? generator;

    public SeededDropout(double probability, Generator? generator) : base(nameof(SeededDropout))
    {
        this.probability = probability;
        this.generator = generator;
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || probability == 0) return input.alias();
        using var scope = NewDisposeScope();
        using var threshold = probability.ToScalar();
        using var rescale = (1 - probability).ToScalar();
        var keep = rand(input.shape, generator: generator).ge_(threshold);
        return (input * keep).div(rescale).MoveToOuterDisposeScope();
    }
}
