using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class EmaVectorQuantizerTests
{
    [Fact]
    public void One_update_matches_hand_computation()
    {
        const double decay = 0.5, eps = 0.1;
        using var vq = new EmaVectorQuantizer(2, 2, decay, eps);
        vq.train();
        using (no_grad()) vq.Codebook.copy_(TestTensors.Rows(new float[,] { { 0, 0 }, { 4, 4 } }));
        vq.ClusterSize.zero_();
        vq.EmbedAverage.copy_(vq.Codebook);

        var r = TestTensors.Rows(new float[,] { { 1, 0 }, { 0, 1 }, { 5, 3 } });
        var output = vq.forward(r);
        Assert.Equal(new long[] { 0, 0, 1 }, TestTensors.Longs(output.Codes));

        // Worked by hand:
        // N = 0.5·0 + 0.5·(2, 1) = (1, 0.5); ΣN = 1.5
        // m_0 = 0.5·(0,0) + 0.5·((1,0)+(0,1)) = (0.5, 0.5); m_1 = 0.5·(4,4) + 0.5·(5,3) = (4.5, 3.5)
        // Ñ = (N + 0.1) / (1.5 + 2·0.1) · 1.5 = (1.1, 0.6)·1.5/1.7 = (0.970588…, 0.529411…)
        // e_0 = m_0 / Ñ_0 = (0.515151…, 0.515151…); e_1 = m_1 / Ñ_1 = (8.5, 6.611111…)
        TestTensors.Near(new float[] { 1f, 0.5f }, TestTensors.Flat(vq.ClusterSize));
        TestTensors.Near(new float[] { 0.5f, 0.5f, 4.5f, 3.5f }, TestTensors.Flat(vq.EmbedAverage));
        var n0 = 1.1 * 1.5 / 1.7;
        var n1 = 0.6 * 1.5 / 1.7;
        TestTensors.Near(new float[] { (float)(0.5 / n0), (float)(0.5 / n0), (float)(4.5 / n1), (float)(3.5 / n1) }, TestTensors.Flat(vq.Codebook), 1e-4);

        // The returned codes and the commitment loss use the codebook after the update; no codebook loss.
        var e0 = 0.5 / n0;
        var e1 = new[] { 4.5 / n1, 3.5 / n1 };
        var expectedCommitment = (Math.Pow(1 - e0, 2) + Math.Pow(0 - e0, 2) + Math.Pow(0 - e0, 2) + Math.Pow(1 - e0, 2)
            + Math.Pow(5 - e1[0], 2) + Math.Pow(3 - e1[1], 2)) / 6;
        TestTensors.Near(expectedCommitment, output.CommitmentLoss.item<float>(), 1e-4);
        Assert.Equal(0f, output.CodebookLoss.item<float>());
    }

    [Fact]
    public void Codebook_is_not_a_trainable_parameter_and_eval_mode_does_not_update()
    {
        using var vq = new EmaVectorQuantizer(4, 3, 0.99, 1e-5);
        Assert.False(vq.Codebook.requires_grad);
        Assert.DoesNotContain(vq.parameters(), p => p.requires_grad);
        vq.eval();
        var before = TestTensors.Flat(vq.Codebook);
        vq.forward(randn(10, 3));
        Assert.Equal(before, TestTensors.Flat(vq.Codebook));
        Assert.All(TestTensors.Flat(vq.ClusterSize), c => Assert.Equal(0f, c));
    }
}
