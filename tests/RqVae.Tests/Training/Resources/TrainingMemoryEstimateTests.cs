using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.Training;
using RqVae.Training.Resources;
using Xunit;
using static TorchSharp.torch;

namespace RqVae.Tests.Training.Resources;

/// <summary>The memory a run needs is known before it starts, and a run that clearly cannot fit is refused.</summary>
public sealed class TrainingMemoryEstimateTests
{
    [Fact]
    public void Parameter_count_matches_the_built_module_and_a_hand_count()
    {
        var options = new RqVaeOptions { InputDimension = 12, HiddenDimensions = [16], LatentDimension = 4, Quantization = new QuantizerOptions { Levels = 2, CodebookSize = 8 } };
        // encoder 12·16+16 + 16·4+4 = 276; decoder 4·16+16 + 16·12+12 = 284; codebooks 2·8·4 = 64.
        Assert.Equal(624, TrainingMemoryEstimate.ParameterCount(options));
        foreach (var o in new[] { options, options with { Quantization = options.Quantization with { Quantizer = QuantizerKind.Ema } }, new RqVaeOptions { InputDimension = 20, HiddenDimensions = [], LatentDimension = 32 } })
        {
            using var module = new RqVaeModule(o);
            Assert.Equal(module.state_dict().Values.Sum(t => t.numel()), TrainingMemoryEstimate.ParameterCount(o));
        }
    }

    [Fact]
    public void The_feature_terms_are_exact_and_a_run_that_cannot_fit_is_refused_clearly()
    {
        var options = new RqVaeTrainerOptions();
        var estimate = TrainingMemoryEstimate.For(options, rows: 100_000_000, dimension: 768);
        Assert.Equal(100_000_000L * 768 * 4, estimate.Features); // 307.2 GB of float32
        Assert.Equal(estimate.Features, estimate.FeatureTensor);
        var e = Assert.Throws<InsufficientMemoryForTrainingException>(() => estimate.EnsureFits(availableBytes: 24L << 30, featuresLoaded: false));
        Assert.Contains("24.0 GiB", e.Message);
        Assert.Contains("needs", e.Message);
        Assert.True(e.NeededBytes > 2 * estimate.Features);

        var small = TrainingMemoryEstimate.For(options, rows: 10_000, dimension: 384);
        small.EnsureFits(availableBytes: 4L << 30, featuresLoaded: false);
        Assert.True(small.Total < 2L << 30);
        Assert.True(TrainingMemoryEstimate.AvailableBytes() > 0);
    }

    [Fact]
    public async Task The_estimate_covers_the_measured_peak_of_a_real_run()
    {
        // A real process: 4,000 × 256 features, default architecture, one epoch.
        var (code, output, error) = await TrainingHostProcess.RunAsync(TimeSpan.FromSeconds(120), "memory", "--rows", "4000", "--dimension", "256", "--threads", "1");
        Assert.True(code == 0, error);
        var words = output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var estimate = long.Parse(words[1]);
        var peak = long.Parse(words[3]);
        Assert.True(peak <= estimate, $"peak {peak:N0} bytes exceeded the estimate {estimate:N0}");
        Assert.True(estimate <= 4 * peak, $"estimate {estimate:N0} is far above the peak {peak:N0}");
    }
}
