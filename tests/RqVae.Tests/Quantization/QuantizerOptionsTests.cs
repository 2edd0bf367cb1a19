using RqVae.Quantization;
using RqVae.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Quantization;

/// <summary>The residual quantizer is built from <see cref="QuantizerOptions"/>, each level with its settings fixed at construction.</summary>
public class QuantizerOptionsTests
{
    [Fact]
    public void Every_level_is_built_with_the_settings_the_options_give()
    {
        var options = new QuantizerOptions
        {
            Levels = 3, CodebookSize = 5, Quantizer = QuantizerKind.Ema, EmaDecay = 0.8, EmaEpsilon = 1e-3, CosineCodebooks = true,
            GradientEstimator = GradientEstimator.RotationTrick, BalancedAssignment = true, SinkhornLevels = [0, 2], SinkhornEpsilon = 0.02, SinkhornIterations = 9,
        };
        var warnings = new List<string>();
        using var quantizer = new ResidualQuantizer(options, codeDimension: 4, warnings.Add);
        Assert.Equal(3, quantizer.LevelCount);
        Assert.Equal(GradientEstimator.RotationTrick, quantizer.GradientEstimator);
        for (var l = 0; l < 3; l++)
        {
            var level = Assert.IsType<EmaVectorQuantizer>(quantizer.Levels[l]);
            Assert.Equal(5, level.CodebookSize);
            Assert.Equal(4, level.CodeDimension);
            Assert.Equal(0.8, level.Decay);
            Assert.Equal(1e-3, level.Epsilon);
            Assert.True(level.Cosine);
        }
        Assert.Equal((0.02, 9), (quantizer.Levels[0].Balancing!.Epsilon, quantizer.Levels[0].Balancing!.Iterations));
        Assert.Null(quantizer.Levels[1].Balancing);
        Assert.Equal((0.02, 9), (quantizer.Levels[2].Balancing!.Epsilon, quantizer.Levels[2].Balancing!.Iterations));
        Assert.Equal(warnings.Add, quantizer.Levels[2].Balancing!.Warning);
    }

    [Fact]
    public void The_defaults_are_plain_nearest_code_straight_through_codebooks_balanced_nowhere()
    {
        using var quantizer = new ResidualQuantizer(new QuantizerOptions(), codeDimension: 2);
        Assert.Equal(3, quantizer.LevelCount);
        Assert.Equal(GradientEstimator.StraightThrough, quantizer.GradientEstimator);
        Assert.All(quantizer.Levels, level =>
        {
            Assert.Equal(typeof(VectorQuantizer), level.GetType());
            Assert.Equal(256, level.CodebookSize);
            Assert.False(level.Cosine);
            Assert.Null(level.Balancing);
        });
        // Balanced assignment without a list of levels balances the last level only.
        using var balanced = new ResidualQuantizer(new QuantizerOptions { Levels = 2, CodebookSize = 4, BalancedAssignment = true }, codeDimension: 2);
        Assert.Null(balanced.Levels[0].Balancing);
        Assert.NotNull(balanced.Levels[1].Balancing);
    }

    [Theory]
    [InlineData(nameof(QuantizerOptions.Levels))]
    [InlineData(nameof(QuantizerOptions.CodebookSize))]
    [InlineData(nameof(QuantizerOptions.SinkhornLevels))]
    [InlineData(nameof(QuantizerOptions.KMeansSampleSize))]
    [InlineData(nameof(QuantizerOptions.DeadCodeThreshold))]
    public void Invalid_settings_are_refused_by_name_before_any_level_is_built(string member)
    {
        var options = member switch
        {
            nameof(QuantizerOptions.Levels) => new QuantizerOptions { Levels = 0 },
            nameof(QuantizerOptions.CodebookSize) => new QuantizerOptions { CodebookSize = 1 },
            nameof(QuantizerOptions.SinkhornLevels) => new QuantizerOptions { Levels = 2, SinkhornLevels = [2] },
            nameof(QuantizerOptions.KMeansSampleSize) => new QuantizerOptions { KMeansSampleSize = 0 },
            _ => new QuantizerOptions { DeadCodeThreshold = 1 },
        };
        var e = Assert.Throws<ArgumentException>(() => new ResidualQuantizer(options, codeDimension: 2));
        Assert.Equal(member, e.ParamName);
    }

    [Fact]
    public void Residual_kmeans_fits_level_one_to_the_points_and_level_two_to_what_it_leaves()
    {
        // Two pairs around 0 and 10: level 1 must find 0 and 10 (Lloyd moves any seeding there), which leaves
        // residuals −1 and +1 for level 2, whose two centroids are then −1 and +1.
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var points = tensor(new float[] { -1, 1, 9, 11 }, [4, 1]);
        var reported = new List<int>();
        var fits = ResidualKMeansFit.Fit(points, levels: 2, codebookSize: 2, iterations: 10, progressiveDimensionSteps: 1, generator, reported.Add);
        Assert.Equal(2, fits.Length);
        Assert.Equal(new float[] { 0, 10 }, TestTensors.Flat(fits[0].Centroids).Order());
        Assert.Equal(new float[] { -1, 1 }, TestTensors.Flat(fits[1].Centroids).Order());
        Assert.Equal(new float[] { 2, 2 }, TestTensors.Flat(fits[1].Counts));
        Assert.Equal([1, 2], reported);
    }

    [Fact]
    public void The_sample_is_all_rows_in_order_when_there_are_no_more_than_asked_else_distinct_rows()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        var data = arange(10, dtype: ScalarType.Float32).unsqueeze(1);
        Assert.Same(data, ResidualKMeansFit.Sample(data, 10, generator));
        var sample = TestTensors.Flat(ResidualKMeansFit.Sample(data, 4, generator));
        Assert.Equal(4, sample.Distinct().Count());
        Assert.All(sample, v => Assert.InRange(v, 0, 9));
    }
}
