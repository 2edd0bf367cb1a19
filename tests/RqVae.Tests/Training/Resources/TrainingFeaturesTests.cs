using RqVae.Model;
using RqVae.Quantization;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Training.Resources;

/// <summary>The trainer works on the caller's feature array; it holds no second copy of the data set.</summary>
public sealed class TrainingFeaturesTests
{
    [Fact]
    public void Fit_trains_on_the_callers_array_without_copying_it()
    {
        // 20,000 × 64 float32 = 5.12 MB. The run's managed allocations are the final evaluation's (its reconstructions are
        // one matrix's worth, in batches; with the IDs and buffers about 7.6 MB); a clone of the features for torch, as
        // tensor(float[]) makes, adds another 5.12 MB (12.7 MB).
        const int rows = 20_000, dimension = 64;
        var random = new Random(3);
        var features = new float[rows * dimension];
        for (var i = 0; i < features.Length; i++) features[i] = (float)(random.NextDouble() * 2 - 1);
        var options = new RqVaeTrainerOptions
        {
            Model = new RqVaeOptions { HiddenDimensions = [32], LatentDimension = 8, Quantization = new QuantizerOptions { Levels = 2, CodebookSize = 16, KMeansSampleSize = 2000, KMeansIterations = 5 } },
            Epochs = 1,
            BatchSize = 4096,
            Seed = 1,
        };
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var result = new RqVaeTrainer(options).Fit(features, dimension);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var featureBytes = (long)features.Length * sizeof(float);
        Assert.Equal(rows, result.History[^1].Evaluation!.Items);
        Assert.True(allocated < featureBytes * 9 / 5, $"Fit allocated {allocated:N0} managed bytes for {featureBytes:N0} bytes of features");
    }
}
