using RqVae.Platform;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RqVae.Training.Optimizers;

/// <summary>
/// TorchSharp's Adagrad (dense parameters, L2 weight decay added to the gradient) with the same arithmetic, operation for
/// operation, but with every number it passes to libtorch held for the whole call; see <see cref="ScalarSafeAdamW"/>.
/// </summary>
public sealed class ScalarSafeAdagrad : Adagrad
{
    /// <summary>Adagrad over <paramref name="parameters"/>, no learning-rate decay, ε 1e-10 as TorchSharp's defaults.</summary>
    public ScalarSafeAdagrad(IEnumerable<Parameter> parameters, double learningRate, double weightDecay)
        : base(parameters, learningRate, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        var weightDecay = options.weight_decay!.Value;
        var learningRateDecay = options.lr_decay!.Value;
        var learningRate = options.LearningRate!.Value;
        using var decay = weightDecay.ToScalar();
        using var epsilon = options.eps!.Value.ToScalar();
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            var grad = param.grad;
            if (grad is null) continue;
            state.step += 1;
            if (weightDecay != 0) grad = grad.add(param, alpha: decay);
            var currentRate = learningRate / (1 + (state.step - 1) * learningRateDecay);
            state.sum.addcmul_(grad, grad, value: Scalars.One);
            var std = state.sum.sqrt().add_(epsilon, Scalars.One);
            using var stepSize = (-currentRate).ToScalar();
            param.addcdiv_(grad, std, value: stepSize);
        }
    }, closure);
}
