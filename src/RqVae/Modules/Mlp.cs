using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RqVae.Modules;

/// <summary>
/// A multilayer perceptron: Linear layers with ReLU between them and none after the last, held in a
/// field named <c>layers</c> so the state_dict keys read <c>layers.0.weight</c>, <c>layers.2.bias</c>, …
/// exactly as a PyTorch <c>nn.Sequential</c> of the same layers names them.
/// </summary>
public class Mlp : Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Creates the network <paramref name="inputDimension"/> → hidden… → <paramref name="outputDimension"/>.</summary>
    public Mlp(string name, int inputDimension, IReadOnlyList<int> hiddenDimensions, int outputDimension) : base(name)
    {
        ArgumentNullException.ThrowIfNull(hiddenDimensions);
        var modules = new List<(string, Module<Tensor, Tensor>)>();
        var previous = inputDimension;
        foreach (var hidden in hiddenDimensions)
        {
            modules.Add((modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Linear(previous, hidden)));
            modules.Add((modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), ReLU()));
            previous = hidden;
        }
        modules.Add((modules.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Linear(previous, outputDimension)));
        layers = Sequential(modules);
        InputDimension = inputDimension;
        OutputDimension = outputDimension;
        RegisterComponents();
    }

    /// <summary>Width of the input.</summary>
    public int InputDimension { get; }

    /// <summary>Width of the output.</summary>
    public int OutputDimension { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => layers.forward(input);
}
