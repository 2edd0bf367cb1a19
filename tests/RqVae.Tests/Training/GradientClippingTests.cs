using RqVae.Tests.Support;
using RqVae.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Training;

public class GradientClippingTests
{
    [Fact]
    public void Clipping_bounds_the_joint_norm_and_keeps_the_direction()
    {
        var a = new Parameter(zeros(2));
        var b = new Parameter(zeros(1));
        a.grad = tensor(new float[] { 3, 4 });
        b.grad = tensor(new float[] { 12 });
        // Joint norm √(9 + 16 + 144) = 13, computed by hand.
        var before = RqVaeTrainer.ClipGradients([a, b], 1.0);
        TestTensors.Near(13, before, 1e-5);
        var after = Math.Sqrt(TestTensors.Flat(a.grad!).Concat(TestTensors.Flat(b.grad!)).Sum(g => (double)g * g));
        Assert.True(after <= 1.0 + 1e-5, $"norm after clipping was {after}");
        TestTensors.Near(new float[] { 3f / 13, 4f / 13 }, TestTensors.Flat(a.grad!), 1e-5);
        TestTensors.Near(new float[] { 12f / 13 }, TestTensors.Flat(b.grad!), 1e-5);
    }

    [Fact]
    public void Gradients_under_the_limit_are_left_alone()
    {
        var a = new Parameter(zeros(2));
        a.grad = tensor(new float[] { 0.3f, 0.4f });
        RqVaeTrainer.ClipGradients([a], 1.0);
        TestTensors.Near(new float[] { 0.3f, 0.4f }, TestTensors.Flat(a.grad!), 1e-7);
    }
}
