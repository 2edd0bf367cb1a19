using RqVae.Metrics;
using RqVae.Tests.Support;
using RqVae.TestSupport;
using RqVae.Training;
using RqVae.Training.Checkpointing;
using Xunit;

namespace RqVae.Tests.Training;

/// <summary>The convergence stop of a step-budgeted run: the rule on hand-made histories, then real runs.</summary>
public class ConvergenceTests
{
    // A history entry whose monitor check measured these figures (2 levels of 100 codes, perplexities p1 and p2).
    private static EpochMetrics Check(int epoch, double cosine, double collisions, double p1 = 90, double p2 = 90) =>
        new(epoch, epoch * 10L, default, 1e-3, TimeSpan.Zero, Evaluation: null)
        {
            Monitor = new EvaluationReport(1000, new ReconstructionMetrics(0.1, 0.1, cosine),
                [new LevelUsage(1, 100, 100, p1, 0.9, 0.02), new LevelUsage(2, 100, 100, p2, 0.9, 0.02)],
                new CollisionStats(1000, (int)(1000 * (1 - collisions)), collisions, 1 - collisions, 2)),
        };

    private static EpochMetrics Unchecked(int epoch) => new(epoch, epoch * 10L, default, 1e-3, TimeSpan.Zero, Evaluation: null);

    [Fact]
    public void Checks_count_as_improving_when_any_metric_beats_its_best_by_more_than_the_tolerance()
    {
        const double tolerance = 0.001;
        List<EpochMetrics> history = [Check(1, 0.800, 0.010)];
        Assert.Equal(0, ConvergenceRule.ChecksSinceImprovement(history, tolerance)); // the first check has nothing to beat
        history.Add(Unchecked(2)); // epochs without a check do not count
        history.Add(Check(3, 0.8009, 0.0095)); // +0.0009 cosine and −0.0005 collisions: both within the tolerance
        Assert.Equal(1, ConvergenceRule.ChecksSinceImprovement(history, tolerance));
        history.Add(Check(4, 0.8005, 0.0100, p1: 90.1, p2: 90.1)); // perplexity share +0.001: not more than the tolerance
        Assert.Equal(2, ConvergenceRule.ChecksSinceImprovement(history, tolerance));
        history.Add(Check(5, 0.7990, 0.0084)); // collisions 1.6 points of a thousand under the best (0.0095): an improvement
        Assert.Equal(0, ConvergenceRule.ChecksSinceImprovement(history, tolerance));
        history.Add(Check(6, 0.8015, 0.0090)); // cosine 0.0006 over the best (0.8009): no
        history.Add(Check(7, 0.8000, 0.0090, p1: 92, p2: 90)); // perplexity share (0.92 + 0.90) / 2 = 0.91 > 0.90 + 0.001: yes
        Assert.Equal(0, ConvergenceRule.ChecksSinceImprovement(history, tolerance));
        history.Add(Check(8, 0.8020, 0.0090, p1: 92, p2: 90)); // cosine 0.8020 > 0.8015 + 0.001? no (0.0005)
        history.Add(Check(9, 0.8030, 0.0090, p1: 92, p2: 90)); // 0.8030 > 0.8020 + 0.001? no: the best moved to 0.8020
        Assert.Equal(2, ConvergenceRule.ChecksSinceImprovement(history, tolerance));
        Assert.True(ConvergenceRule.HasConverged(history, new RqVaeTrainerOptions { ConvergencePatience = 2, ConvergenceTolerance = tolerance }));
        Assert.False(ConvergenceRule.HasConverged(history, new RqVaeTrainerOptions { ConvergencePatience = 3, ConvergenceTolerance = tolerance }));
        Assert.False(ConvergenceRule.HasConverged(history, new RqVaeTrainerOptions { ConvergencePatience = 0 }));
        // Patience 2 was first reached at epoch 4 (checks 3 and 4 did not improve), before the improvements of epochs 5 and 7.
        Assert.Equal(4, ConvergenceRule.ConvergedAt(history, new RqVaeTrainerOptions { ConvergencePatience = 2, ConvergenceTolerance = tolerance })!.Epoch);
        Assert.Null(ConvergenceRule.ConvergedAt(history, new RqVaeTrainerOptions { ConvergencePatience = 3, ConvergenceTolerance = tolerance }));
        Assert.Equal(90, ConvergenceRule.LastCheckStep(history));
        Assert.Equal(0, ConvergenceRule.LastCheckStep([Unchecked(1)]));
    }

    [Fact]
    public void Convergence_options_are_validated_naming_the_member()
    {
        Assert.Contains("ConvergencePatience", Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { ConvergencePatience = -1 }.Validate()).Message);
        Assert.Contains("ConvergenceTolerance", Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { ConvergenceTolerance = double.NaN }.Validate()).Message);
        Assert.Contains("ConvergenceCheckSteps", Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { ConvergenceCheckSteps = 0 }.Validate()).Message);
        Assert.Contains("MonitorSampleSize", Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { MonitorSampleSize = 0 }.Validate()).Message);
        Assert.True(new RqVaeTrainerOptions().StopsOnConvergence);
        Assert.False(new RqVaeTrainerOptions { Epochs = 5 }.StopsOnConvergence);
        Assert.False(new RqVaeTrainerOptions { ConvergencePatience = 0 }.StopsOnConvergence);
    }

    // Eight well-separated clusters: a small model has learned them long before a budget of 2,800 steps (400 passes).
    private static RqVaeTrainerOptions Budgeted() => RqVaeTrainerTests.SmallOptions() with
    {
        Epochs = null,
        MaxSteps = 2_800,
        ConvergenceCheckSteps = 21,
        ConvergencePatience = 3,
        ConvergenceTolerance = 0.002,
        MonitorSampleSize = 100,
    };

    [Fact]
    public void A_budgeted_run_cools_down_after_the_first_check_that_finds_it_converged_then_ends_measured_as_a_last_epoch()
    {
        var data = SyntheticClusters.Create(seed: 4);
        using var result = new RqVaeTrainer(Budgeted()).Fit(data.Features, data.Dimension);
        var history = result.History;
        Assert.True(result.Converged);
        Assert.True(history[^1].Steps < 2_800, $"stopped at step {history[^1].Steps}");
        // Checks every 21 steps = every 3 passes of 7 steps, each on the 100-item monitor sample, until the one that converged.
        var checks = history.Where(h => h.Monitor is not null).ToList();
        Assert.Equal(Enumerable.Range(1, checks.Count).Select(i => 3 * i), checks.Select(c => c.Epoch));
        Assert.All(checks, c => Assert.Equal(100, c.Monitor!.Items));
        var converged = ConvergenceRule.ConvergedAt(history, Budgeted());
        Assert.Same(checks[^1], converged);
        // The cool-down: ⌈0.1 × steps so far / 7⌉ whole epochs, the rate falling along a half cosine from the schedule's
        // value at the converged step to 1 % of the peak (1e-2) at the last step.
        var cooldownEpochs = (int)Math.Ceiling(0.1 * converged!.Steps / 7);
        Assert.Equal(converged.Epoch + cooldownEpochs, history[^1].Epoch);
        var total = (long)Budgeted().EpochsFor(400) * 7;
        var cosine = new WarmupCosineSchedule((long)Math.Round(0.05 * total), total, 0.01);
        var start = cosine.Factor(converged.Steps);
        for (var e = converged.Epoch + 1; e <= history[^1].Epoch; e++)
        {
            var progress = (double)(history[e - 1].Steps - converged.Steps) / (cooldownEpochs * 7);
            Assert.Equal(1e-2 * (0.01 + (start - 0.01) * 0.5 * (1 + Math.Cos(Math.PI * progress))), history[e - 1].LearningRate, 12);
        }
        Assert.Equal(1e-4, history[^1].LearningRate, 12);
        // The last epoch has the full metrics, on all 400 training items; the converged epoch is not a last one.
        Assert.Equal(400, history[^1].Evaluation!.Items);
        Assert.Null(converged.Evaluation);

        // Without the stop, or with the epochs given, the same run trains to the end.
        using var whole = new RqVaeTrainer(Budgeted() with { ConvergencePatience = 0, MaxSteps = 70 }).Fit(data.Features, data.Dimension);
        Assert.False(whole.Converged);
        Assert.Equal(10, whole.History.Count);
        Assert.All(whole.History, h => Assert.Null(h.Monitor));
        using var given = new RqVaeTrainer(Budgeted() with { Epochs = 12 }).Fit(data.Features, data.Dimension);
        Assert.Equal(12, given.History.Count);
        Assert.All(given.History, h => Assert.Null(h.Monitor));
    }

    [Fact]
    public void The_checks_do_not_change_what_training_computes()
    {
        // Up to the epoch that converged, the stopping run took the same steps as a run with no checks: same losses epoch by epoch.
        var data = SyntheticClusters.Create(seed: 4);
        using var stopping = new RqVaeTrainer(Budgeted()).Fit(data.Features, data.Dimension);
        var epochs = ConvergenceRule.ConvergedAt(stopping.History, Budgeted())!.Epoch;
        using var plain = new RqVaeTrainer(Budgeted() with { ConvergencePatience = 0, MaxSteps = 2_800 }).Fit(data.Features, data.Dimension);
        Assert.Equal(plain.History.Take(epochs).Select(h => h.MeanLoss), stopping.History.Take(epochs).Select(h => h.MeanLoss));
    }

    [Fact]
    public void A_sampled_catalogue_is_checked_on_items_held_out_of_training()
    {
        var data = SyntheticClusters.Create(perCluster: 50, seed: 3);
        var options = Budgeted() with { TrainingSampleSize = 300, MonitorSampleSize = 64 };
        using var result = new RqVaeTrainer(options).Fit(data.Features, data.Dimension);
        Assert.All(result.History.Where(h => h.Monitor is not null), h => Assert.Equal(64, h.Monitor!.Items));
        Assert.Equal(300, result.History[^1].Evaluation!.Items);
        // Fewer held-out items than the monitor wants: it takes what is left (400 − 300 = 100).
        using var small = new RqVaeTrainer(options with { MonitorSampleSize = 1000 }).Fit(data.Features, data.Dimension);
        Assert.Equal(100, small.History.First(h => h.Monitor is not null).Monitor!.Items);
    }

    [Fact]
    public void A_resumed_budgeted_run_stops_where_the_uninterrupted_one_did_with_its_weights()
    {
        var data = SyntheticClusters.Create(seed: 4);
        using var uninterrupted = new RqVaeTrainer(Budgeted()).Fit(data.Features, data.Dimension);
        var convergedStep = ConvergenceRule.ConvergedAt(uninterrupted.History, Budgeted())!.Steps;
        var lastStep = uninterrupted.History[^1].Steps;
        // Interrupted in epoch 2, before any check; in the cool-down; and after the last epoch's checkpoint (nothing left to do).
        foreach (var stopAfterStep in new[] { 11L, convergedStep + 2, long.MaxValue })
        {
            using var folder = new TemporaryDirectory();
            var checkpoints = new CheckpointOptions { Path = folder.File("training.ckpt"), EveryEpochs = 1 };
            using (var cts = new CancellationTokenSource())
            {
                var progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == stopAfterStep) cts.Cancel(); });
                var first = new RqVaeTrainer(Budgeted()) { Checkpoints = checkpoints };
                if (stopAfterStep < lastStep) Assert.ThrowsAny<OperationCanceledException>(() => first.Fit(data.Features, data.Dimension, progress, cts.Token));
                else first.Fit(data.Features, data.Dimension).Dispose();
            }
            var saved = TrainingCheckpoint.Read(checkpoints.Path).Step;
            Assert.Equal(Math.Min(lastStep, stopAfterStep / 7 * 7), saved);

            var steps = new List<long>();
            using var resumed = new RqVaeTrainer(Budgeted()) { Checkpoints = checkpoints with { Resume = true } }
                .Fit(data.Features, data.Dimension, new SynchronousProgress<TrainingProgress>(p => steps.Add(p.Step)));
            Assert.Equal(saved < lastStep ? [saved + 1] : [], steps.Take(1));
            Assert.True(resumed.Converged);
            Assert.Equal(uninterrupted.Tokenizer.WeightsSha256(), resumed.Tokenizer.WeightsSha256());
            Assert.Equal(uninterrupted.History.Select(h => (h.Epoch, h.Steps, h.MeanLoss, h.LearningRate)), resumed.History.Select(h => (h.Epoch, h.Steps, h.MeanLoss, h.LearningRate)));
        }
    }
}
