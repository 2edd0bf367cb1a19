using RqVae.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Training.Optimizers;

/// <summary>
/// TorchSharp's Adam (L2 weight decay added to the gradient) with the same arithmetic, operation for operation, but with
/// every number it passes to libtorch held for the whole call; see <see cref="ScalarSafeAdamW"/>.
/// </summary>
public sealed class ScalarSafeAdam : Adam
{
    /// <summary>Adam over <paramref name="parameters"/>, ε 1e-8 as TorchSharp's default.</summary>
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double weightDecay = 0)
        : base(parameters, learningRate, beta1: beta1, beta2: beta2, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var weightDecay = options.weight_decay!.Value;
        var learningRate = options.LearningRate!.Value;
        using var decay = weightDecay.ToScalar();
        using var firstDecay = beta1.ToScalar();
        using var firstRest = (1 - beta1).ToScalar();
        using var secondDecay = beta2.ToScalar();
        using var secondRest = (1 - beta2).ToScalar();
        using var epsilon = options.eps!.Value.ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            state.step += 1;
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (weightDecay != 0) grad = grad.add(param, alpha: decay);
            state.exp_avg.mul_(firstDecay).add_(grad, alpha: firstRest);
            state.exp_avg_sq.mul_(secondDecay).addcmul_(grad, grad.conj(), value: secondRest);
            using var correction = Math.Sqrt(biasCorrection2).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div(correction).add_(epsilon, Scalars.One);
            using var stepSize = (-(learningRate / biasCorrection1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
