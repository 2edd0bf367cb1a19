using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

public class KMeansTests
{
    [Fact]
    public void Finds_the_centres_of_well_separated_clusters()
    {
        var centres = new float[,] { { 0, 0 }, { 10, 0 }, { 0, 10 }, { 10, 10 } };
        var points = new List<float>();
        var offsets = new[] { (-0.5f, 0f), (0.5f, 0f), (0f, -0.5f), (0f, 0.5f) };
        for (var c = 0; c < 4; c++)
            foreach (var (dx, dy) in offsets) { points.Add(centres[c, 0] + dx); points.Add(centres[c, 1] + dy); }
        using var data = tensor(points.ToArray(), [16, 2]);
        using var generator = new Generator(7);
        var result = KMeans.Fit(data, 4, 20, generator);
        var found = TestTensors.Flat(result.Centroids).Chunk(2).Select(p => (Math.Round(p[0], 4), Math.Round(p[1], 4))).OrderBy(p => p).ToArray();
        Assert.Equal(new[] { (0.0, 0.0), (0.0, 10.0), (10.0, 0.0), (10.0, 10.0) }, found);
        Assert.Equal(new float[] { 4, 4, 4, 4 }, TestTensors.Flat(result.Counts));
    }

    [Fact]
    public void Progressive_kmeans_finds_offset_oblique_clusters_in_the_original_basis()
    {
        // Four tight clusters at oblique centres far from the origin: the centroids come back only if the
        // principal-axis rotation and the mean are undone exactly. 3-D with 3 steps: widths 1, 2, 3.
        double[][] centres = [[20, 21, 22], [30, 19, 25], [18, 32, 20], [27, 30, 33]];
        var offsets = new[] { (0.3, 0.0, 0.0), (-0.3, 0.0, 0.0), (0.0, 0.3, -0.1), (0.0, -0.3, 0.1) };
        var points = centres.SelectMany(c => offsets.SelectMany(o => new[] { (float)(c[0] + o.Item1), (float)(c[1] + o.Item2), (float)(c[2] + o.Item3) })).ToArray();
        using var data = tensor(points, [16, 3]);
        using var generator = new Generator(5);
        var result = KMeans.FitProgressive(data, 4, 20, steps: 3, generator);
        var found = TestTensors.Flat(result.Centroids).Chunk(3).Select(p => p.Select(v => Math.Round(v, 3)).ToArray()).OrderBy(p => p[0]).ToArray();
        var expected = centres.OrderBy(c => c[0]).ToArray();
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], found[i]);
        Assert.Equal(new float[] { 4, 4, 4, 4 }, TestTensors.Flat(result.Counts));
    }

    [Fact]
    public void Assignment_over_row_blocks_matches_a_brute_force_nearest_centroid()
    {
        // 5,000 points and 256 centroids: more rows than one 4 MB block of distances holds (4,096), so the
        // assignment runs over two blocks; every row must still get its nearest centroid, checked in float64.
        using var generator = new Generator(3);
        using var points = randn(5000, 8, generator: generator);
        using var centroids = randn(256, 8, generator: generator);
        var assigned = TestTensors.Longs(KMeans.Assign(points, centroids));
        using var distances = (points.to(ScalarType.Float64).unsqueeze(1) - centroids.to(ScalarType.Float64).unsqueeze(0)).pow(2).sum(2);
        Assert.Equal(TestTensors.Longs(distances.argmin(1)), assigned);
    }
}
