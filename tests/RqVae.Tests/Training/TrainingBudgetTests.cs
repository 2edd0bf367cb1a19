using RqVae.Tests.Support;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Training;

/// <summary>The step budget and the training sample: training time that does not grow with the catalogue.</summary>
public class TrainingBudgetTests
{
    [Theory]
    // MovieLens: 9,066 items at batch 256 are 36 steps a pass; 5,000 steps need ⌈5000 / 36⌉ = 139 passes.
    [InlineData(9_066, 139)]
    // A tiny catalogue (one step a pass) stops at the 150-pass ceiling, the old fixed default.
    [InlineData(64, 150)]
    // 1,000,000 items train on 100,000: 391 steps a pass, ⌈5000 / 391⌉ = 13 passes.
    [InlineData(1_000_000, 13)]
    [InlineData(100_000, 13)]
    // 20,000 items: 79 steps a pass, ⌈5000 / 79⌉ = 64.
    [InlineData(20_000, 64)]
    public void The_default_run_makes_the_fewest_passes_that_reach_the_step_budget(long rows, int epochs)
    {
        var options = new RqVaeTrainerOptions();
        Assert.Null(options.Epochs);
        Assert.Equal(epochs, options.EpochsFor(rows));
        Assert.Equal(epochs, options.ResolvedFor(rows).Epochs);
    }

    [Fact]
    public void Given_epochs_are_trained_whatever_the_budget_and_the_sample_caps_the_training_items()
    {
        var options = new RqVaeTrainerOptions { Epochs = 400, MaxSteps = 10 };
        Assert.Equal(400, options.EpochsFor(9_066));
        Assert.Equal(100_000, options.TrainingRowsFor(1_000_000));
        Assert.Equal(50_000, options.TrainingRowsFor(50_000));
        Assert.Equal(1_000_000, (options with { TrainingSampleSize = 0 }).TrainingRowsFor(1_000_000));
        Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { MaxSteps = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { TrainingSampleSize = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { Epochs = 0 }.Validate());
    }

    [Fact]
    public void The_sample_is_uniform_without_replacement_seeded_and_in_catalogue_order()
    {
        // Row i holds the values i and -i, so a sampled row shows which row it came from.
        const int rows = 1000, dimension = 2;
        var features = new float[rows * dimension];
        for (var i = 0; i < rows; i++) (features[2 * i], features[2 * i + 1]) = (i, -i);
        var sample = RqVaeTrainer.SplitSample(features, dimension, 300, 0, seed: 7).Sample;
        var picked = Enumerable.Range(0, 300).Select(r => (int)sample[2 * r]).ToArray();
        Assert.All(Enumerable.Range(0, 300), r => Assert.Equal(-sample[2 * r], sample[2 * r + 1]));
        Assert.Equal(300, picked.Distinct().Count());
        Assert.Equal(picked.Order(), picked);
        Assert.Equal(picked, Enumerable.Range(0, 300).Select(r => (int)RqVaeTrainer.SplitSample(features, dimension, 300, 0, seed: 7).Sample[2 * r]));
        Assert.NotEqual(picked, Enumerable.Range(0, 300).Select(r => (int)RqVaeTrainer.SplitSample(features, dimension, 300, 0, seed: 8).Sample[2 * r]));
        // Uniform: each half of the catalogue gets about half the sample (binomial, σ ≈ 8.7).
        Assert.InRange(picked.Count(i => i < rows / 2), 150 - 35, 150 + 35);

        // The held-out rows for the convergence checks: none of them in the sample, and asking for them leaves the sample as it was.
        var (again, heldOut) = RqVaeTrainer.SplitSample(features, dimension, 300, 100, seed: 7);
        Assert.Equal(sample, again);
        var held = Enumerable.Range(0, 100).Select(r => (int)heldOut[2 * r]).ToArray();
        Assert.Equal(100, held.Distinct().Count());
        Assert.Equal(held.Order(), held);
        Assert.Empty(held.Intersect(picked));
        Assert.Throws<ArgumentOutOfRangeException>(() => RqVaeTrainer.SplitSample(features, dimension, 900, 101, seed: 7));
    }

    [Fact]
    public void A_catalogue_larger_than_the_sample_trains_on_the_sample_for_the_budget_and_encodes_every_item()
    {
        var data = SyntheticClusters.Create(perCluster: 50, seed: 3);
        var options = RqVaeTrainerTests.SmallOptions() with { Epochs = null, MaxSteps = 12, TrainingSampleSize = 128 };
        using var result = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        // 128 sampled items at batch 64: 2 steps a pass, so 6 passes reach 12 steps.
        Assert.Equal(6, result.History.Count);
        Assert.Equal(12, result.History[^1].Steps);
        var rows = data.Features.Length / data.Dimension;
        Assert.Equal(rows, result.Tokenizer.Encode(data.Features).Count);
    }
}
