using RqVae.Quantization;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class KMeansTests
{
    [Fact]
    public void FindsTheCentresOfWellSeparatedClusters()
    {
        var centres = new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 }, { 10, 10 } };
        var points = new List<float>();
        var offsets = new[] { (-0.5f, 0f), (0.5f, 0f), (0f, -0.5f), (0f, 0.5f) };
        for (var c = 0; c < 4; c++)
            foreach (var (dx, dy) in offsets) { points.Add(centres[c, 0] + dx); points.Add(centres[c, 1] + dy); }
        using var data = tensor(points.ToArray(), [16, 2]);
        using var generator = new Generator(7);
        var result = KMeans.Fit(data, 4, 20, generator);
        var found = T.Flat(result.Centroids).Chunk(2).Select(p => (Math.Round(p[0], 4), Math.Round(p[1], 4))).OrderBy(p => p).ToArray();
        Assert.Equal(new[] { (0.0, 0.0), (0.0, 10.0), (10.0, 0.0), (10.0, 10.0) }, found);
        Assert.Equal(new float[] { 4, 4, 4, 4 }, T.Flat(result.Counts));
    }
}
