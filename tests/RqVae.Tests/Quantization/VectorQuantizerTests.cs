using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class VectorQuantizerTests
{
    private static VectorQuantizer Make(float[,] codebook)
    {
        var vq = new VectorQuantizer(codebook.GetLength(0), codebook.GetLength(1));
        vq.SetCodebook(TestTensors.Rows(codebook));
        return vq;
    }

    [Fact]
    public void Chooses_the_nearest_code_by_squared_distance()
    {
        using var vq = Make(new float[,] { { 0, 0 }, { 1, 0 }, { 0, 2 } });
        // Distances worked by hand: (0.9,0.1) → {0.82, 0.02, 4.42}; (0.1,1.2) → {1.45, 2.25, 0.65}; (-1,-1) → {2, 5, 10}.
        var inputs = TestTensors.Rows(new float[,] { { 0.9f, 0.1f }, { 0.1f, 1.2f }, { -1, -1 } });
        Assert.Equal(new long[] { 1, 2, 0 }, TestTensors.Longs(vq.NearestCodes(inputs)));
        TestTensors.Near(new float[] { 0.82f, 0.02f, 4.42f, 1.45f, 2.25f, 0.65f, 2, 5, 10 }, TestTensors.Flat(vq.SquaredDistances(inputs)), 1e-5);
    }

    [Fact]
    public void Ties_go_to_the_lowest_index()
    {
        using var vq = Make(new float[,] { { 1, 0 }, { -1, 0 } });
        Assert.Equal(new long[] { 0 }, TestTensors.Longs(vq.NearestCodes(TestTensors.Rows(new float[,] { { 0, 5 } }))));
    }

    [Fact]
    public void Loss_values_match_hand_computation()
    {
        using var vq = Make(new float[,] { { 0, 0 }, { 1, 0 } });
        var r = TestTensors.Rows(new float[,] { { 0.8f, 0.2f }, { 0.1f, -0.3f } });
        var output = vq.forward(r);
        // Chosen codes (1,0) and (0,0); squared errors 0.04+0.04 and 0.01+0.09; mean over 4 elements = 0.045.
        Assert.Equal(new long[] { 1, 0 }, TestTensors.Longs(output.Codes));
        TestTensors.Near(0.045, output.CommitmentLoss.item<float>());
        TestTensors.Near(0.045, output.CodebookLoss.item<float>());
        TestTensors.Near(new float[] { 1, 0, 0, 0 }, TestTensors.Flat(output.CodeVectors));
    }

    [Fact]
    public void Commitment_loss_moves_only_the_input()
    {
        using var vq = Make(new float[,] { { 0, 0 }, { 1, 0 } });
        var r = TestTensors.Rows(new float[,] { { 0.8f, 0.2f }, { 0.1f, -0.3f } }).requires_grad_(true);
        vq.forward(r).CommitmentLoss.backward();
        // d/dr mean((r − e)²) = 2 (r − e) / 4.
        TestTensors.Near(new float[] { -0.1f, 0.1f, 0.05f, -0.15f }, TestTensors.Flat(r.grad!));
        Assert.True(vq.Codebook.grad is null || TestTensors.Flat(vq.Codebook.grad).All(g => g == 0), "the commitment loss must not reach the codebook");
    }

    [Fact]
    public void Codebook_loss_moves_only_the_chosen_codes()
    {
        using var vq = Make(new float[,] { { 0, 0 }, { 1, 0 }, { 5, 5 } });
        var r = TestTensors.Rows(new float[,] { { 0.8f, 0.2f }, { 0.1f, -0.3f } }).requires_grad_(true);
        vq.forward(r).CodebookLoss.backward();
        Assert.True(r.grad is null || TestTensors.Flat(r.grad).All(g => g == 0), "the codebook loss must not reach the input");
        // d/de mean((e − r)²) = 2 (e − r) / 4 for each chosen code; code 2 was never chosen.
        TestTensors.Near(new float[] { -0.05f, 0.15f, 0.1f, -0.1f, 0, 0 }, TestTensors.Flat(vq.Codebook.grad!));
    }
}
