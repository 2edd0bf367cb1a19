using RqVae.Model;
using RqVae.Quantization;
using RqVae.Tests.Support;
using RqVae.TestSupport;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Training;

public class RqVaeTrainerTests
{
    internal static RqVaeTrainerOptions SmallOptions(QuantizerKind kind = QuantizerKind.Standard) => new()
    {
        // Two codes per cluster on level 1 and a latent wide enough that a random encoder keeps the
        // clusters apart, so k-means can give each its own code; decay 0.9 suits a run of 210 steps.
        Model = new RqVaeOptions
        {
            HiddenDimensions = [32],
            LatentDimension = 8,
            // Dead-code reset would (rightly) put the 8 spare codes to use by splitting clusters; this test is about k-means init and training.
            Quantization = new QuantizerOptions { Levels = 2, CodebookSize = 16, Quantizer = kind, EmaDecay = 0.9, DeadCodeReset = false },
        },
        Epochs = 30,
        BatchSize = 64,
        LearningRate = 1e-2,
        Seed = 123,
        Threads = 1,
        EvaluateEvery = 0,
    };

    /// <summary><paramref name="options"/> with its quantizer's settings changed by <paramref name="change"/>.</summary>
    internal static RqVaeTrainerOptions WithQuantizer(RqVaeTrainerOptions options, Func<QuantizerOptions, QuantizerOptions> change)
        => options with { Model = options.Model with { Quantization = change(options.Model.Quantization) } };

    [Theory]
    [InlineData(QuantizerKind.Standard)]
    [InlineData(QuantizerKind.Ema)]
    public void Loss_falls_and_every_cluster_gets_its_own_level_one_code(QuantizerKind kind)
    {
        var data = SyntheticClusters.Create();
        using var result = new RqVaeTrainer(SmallOptions(kind)).Fit(data.Features, data.Dimension);
        var first = result.History[0].MeanLoss.Reconstruction;
        var last = result.History[^1].MeanLoss.Reconstruction;
        Assert.True(last < first / 3, $"reconstruction loss went from {first} to {last}");

        var ids = result.Tokenizer.Encode(data.Features);
        var majority = new int[data.Clusters];
        for (var c = 0; c < data.Clusters; c++)
        {
            var codes = Enumerable.Range(0, data.Rows).Where(i => data.Labels[i] == c).Select(i => ids.Code(i, 0)).ToArray();
            var top = codes.GroupBy(x => x).OrderByDescending(g => g.Count()).First();
            Assert.True(top.Count() == codes.Length, $"cluster {c} is split over level-1 codes {string.Join(",", codes.Distinct())}");
            majority[c] = top.Key;
        }
        Assert.Equal(data.Clusters, majority.Distinct().Count());
        Assert.NotNull(result.History[^1].Evaluation);
    }

    [Fact]
    public void Same_seed_gives_bit_identical_ids_and_weights()
    {
        var data = SyntheticClusters.Create(seed: 5);
        var options = SmallOptions() with { Epochs = 5 };
        using var a = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        using var b = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        Assert.Equal(a.Tokenizer.Encode(data.Features).Codes.ToArray(), b.Tokenizer.Encode(data.Features).Codes.ToArray());
        Assert.Equal(a.Tokenizer.WeightsSha256(), b.Tokenizer.WeightsSha256());
        using var c = new RqVaeTrainer(options with { Seed = 999 }).Fit(data.Features, data.Dimension);
        Assert.NotEqual(a.Tokenizer.WeightsSha256(), c.Tokenizer.WeightsSha256());
    }

    [Fact]
    public async Task Runs_do_not_depend_on_torchs_process_wide_generator()
    {
        var data = SyntheticClusters.Create(seed: 5);
        var options = SmallOptions() with { Epochs = 2 };
        using var reference = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        // Draw from (and reseed) the process-wide generator while a second run trains; its weights must not change.
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                TorchSharp.torch.manual_seed(i++);
                using var t = TorchSharp.torch.randn(64, 64);
            }
        });
        using var concurrent = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        stop.Cancel();
        await noise;
        Assert.Equal(reference.Tokenizer.WeightsSha256(), concurrent.Tokenizer.WeightsSha256());
    }

    [Fact]
    public void Selection_keeps_the_epoch_of_fewest_collisions_among_the_final_window()
    {
        var data = SyntheticClusters.Create(seed: 8);
        // 10 epochs, window 0.3: epochs 8, 9, 10 are evaluated and selectable; 4 is evaluated for the history only.
        var options = SmallOptions() with
        {
            Epochs = 10,
            EvaluateEvery = 4,
            CheckpointSelection = CheckpointSelection.LowestCollisionRate,
            CheckpointSelectionWindow = 0.3,
            Model = SmallOptions().Model with { Quantization = SmallOptions().Model.Quantization with { CodebookSize = 4, Levels = 2, DeadCodeReset = true } },
        };
        Assert.Equal(8, options.FirstSelectableEpoch);
        using var result = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);

        Assert.Equal([4, 8, 9, 10], result.History.Where(e => e.Evaluation is not null).Select(e => e.Epoch));
        // The expected choice, worked from the history: fewest collisions, ties to the later epoch.
        var window = result.History.Where(e => e.Epoch >= 8).ToArray();
        var fewest = window.Min(e => e.Evaluation!.Collisions.CollisionRate);
        var expected = window.Where(e => e.Evaluation!.Collisions.CollisionRate == fewest).OrderBy(e => e.Evaluation!.Reconstruction.Mse).ThenByDescending(e => e.Epoch).First();
        Assert.Equal(expected.Epoch, result.SelectedEpoch);
        // The weights handed back are that epoch's: they reproduce its measurements exactly.
        var now = RqVae.Metrics.EvaluationReport.Evaluate(result.Tokenizer, data.Features);
        Assert.Equal(expected.Evaluation!.Collisions.CollisionRate, now.Collisions.CollisionRate);
        Assert.Equal(expected.Evaluation.Reconstruction.Mse, now.Reconstruction.Mse);
    }

    [Fact]
    public void Progress_is_reported_every_step_and_cancellation_stops_training()
    {
        var data = SyntheticClusters.Create();
        var steps = new List<TrainingProgress>();
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            steps.Add(p);
            if (p.Step == 7) cts.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new RqVaeTrainer(SmallOptions()).Fit(data.Features, data.Dimension, progress, cts.Token));
        Assert.Equal(7, steps.Count);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Equal(30L * 7, s.TotalSteps)); // 400 items / 64 = 7 steps per epoch
    }

    [Fact]
    public void Reconstruction_term_is_weighted_by_the_inverse_mean_square_of_the_features()
    {
        // Values 1, −2, 3, 0: mean square (1 + 4 + 9 + 0) / 4 = 3.5, so the weight is 1 / 3.5.
        float[] features = [1, -2, 3, 0];
        TestTensors.Near(1 / 3.5, new RqVaeTrainer(SmallOptions()).ReconstructionWeightFor(features), 1e-12);
        Assert.Equal(1.0, new RqVaeTrainer(SmallOptions() with { NormalizeReconstructionLoss = false }).ReconstructionWeightFor(features));

        using var module = new RqVaeModule(SmallOptions().Model with { InputDimension = 2 }, reconstructionWeight: 4);
        var output = module.forward(TorchSharp.torch.tensor(features, [2, 2]));
        var expected = 4 * output.ReconstructionLoss.item<float>() + 0.25 * output.CommitmentLoss.item<float>() + output.CodebookLoss.item<float>();
        TestTensors.Near(expected, output.TotalLoss.item<float>(), 1e-5);
    }

    [Fact]
    public void Data_of_the_wrong_width_is_refused()
    {
        var options = SmallOptions() with { Model = SmallOptions().Model with { InputDimension = 10 } };
        var e = Assert.Throws<ArgumentException>(() => new RqVaeTrainer(options).Fit(new float[24], 12));
        Assert.Contains("10", e.Message);
    }
}
