using RqVae.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Training.Optimizers;

/// <summary>
/// TorchSharp's AdamW with the same arithmetic, operation for operation (so the same weights), but with every number it
/// passes to libtorch held for the whole call. TorchSharp's own step makes a temporary Scalar of each learning rate, beta
/// and bias correction, which a collection on another thread can free while libtorch reads it (see
/// <see cref="Scalars"/>). State, parameter groups and checkpoints are TorchSharp's; only the step is replaced.
/// </summary>
public sealed class ScalarSafeAdamW : AdamW
{
    /// <summary>AdamW over <paramref name="parameters"/> with betas 0.9 and 0.999 and ε 1e-8, as TorchSharp's defaults.</summary>
    public ScalarSafeAdamW(IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
        : base(parameters, learningRate, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var beta1 = options.beta1!.Value;
        var beta2 = options.beta2!.Value;
        var learningRate = options.LearningRate!.Value;
        using var decay = (1 - learningRate * options.weight_decay!.Value).ToScalar();
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
            param.mul_(decay);
            var biasCorrection1 = 1 - Math.Pow(beta1, state.step);
            var biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(firstDecay).add_(grad, alpha: firstRest);
            state.exp_avg_sq.mul_(secondDecay).addcmul_(grad, grad, value: secondRest);
            using var correction = Math.Sqrt(biasCorrection2).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div(correction).add_(epsilon, Scalars.One);
            using var stepSize = (-(learningRate / biasCorrection1)).ToScalar();
            param.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
