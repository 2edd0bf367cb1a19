namespace RqVae.Tests.Support;

/// <summary>Well-separated Gaussian clusters: items of one cluster should share their level-1 code.</summary>
internal sealed record SyntheticClusters(float[] Features, int[] Labels, int Dimension, int Clusters)
{
    public int Rows => Labels.Length;

    public static SyntheticClusters Create(int clusters = 8, int perCluster = 50, int dimension = 16, double spread = 0.1, int seed = 1)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var centres = new double[clusters, dimension];
        for (var c = 0; c < clusters; c++)
            for (var j = 0; j < dimension; j++)
                centres[c, j] = 3 * Gaussian();
        var features = new float[clusters * perCluster * dimension];
        var labels = new int[clusters * perCluster];
        for (var i = 0; i < labels.Length; i++)
        {
            var c = i % clusters; // interleaved, so batches mix clusters
            labels[i] = c;
            for (var j = 0; j < dimension; j++)
                features[i * dimension + j] = (float)(centres[c, j] + spread * Gaussian());
        }
        return new SyntheticClusters(features, labels, dimension, clusters);
    }
}
