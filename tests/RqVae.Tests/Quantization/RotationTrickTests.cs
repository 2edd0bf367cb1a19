using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class RotationTrickTests
{
    [Fact]
    public void Value_is_the_quantized_vector_and_the_gradient_is_rotated_and_scaled()
    {
        // Worked by hand in 2-d: z = (1, 0), q = (0, 2). The rotation taking ẑ to q̂ is the quarter turn
        // R = [[0, −1], [1, 0]] and λ = ‖q‖ / ‖z‖ = 2. Forward: λ R z = (0, 2) = q. Backward: the upstream
        // gradient g = (1, 0) reaches z as λ Rᵀ g = 2 · (0, −1) = (0, −2); straight-through would give (1, 0).
        var z = tensor(new float[] { 1, 0 }, [1, 2]).requires_grad_(true);
        var q = tensor(new float[] { 0, 2 }, [1, 2]);
        var output = RotationTrick.Apply(z, q);
        TestTensors.Near(new float[] { 0, 2 }, TestTensors.Flat(output), 1e-6);
        (output * tensor(new float[] { 1, 0 }, [1, 2])).sum().backward();
        TestTensors.Near(new float[] { 0, -2 }, TestTensors.Flat(z.grad!), 1e-6);
    }

    [Fact]
    public void Equal_directions_give_straight_through_scaled_by_the_norm_ratio()
    {
        // q = 3 z: R is the identity and λ = 3, so the gradient is 3 g.
        var z = tensor(new float[] { 0.6f, -0.8f, 0 }, [1, 3]).requires_grad_(true);
        var q = tensor(new float[] { 1.8f, -2.4f, 0 }, [1, 3]);
        var output = RotationTrick.Apply(z, q);
        TestTensors.Near(new float[] { 1.8f, -2.4f, 0 }, TestTensors.Flat(output), 1e-6);
        (output * tensor(new float[] { 1, 2, 3 }, [1, 3])).sum().backward();
        TestTensors.Near(new float[] { 3, 6, 9 }, TestTensors.Flat(z.grad!), 1e-5);
    }
}
