using RqVae.Tests.Support;
using RqVae.Training;
using Xunit;

namespace RqVae.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_step_decay_schedule_warms_up_linearly_then_decays_every_thousand_steps()
    {
        var s = new WarmupStepDecaySchedule(WarmupSteps: 100);
        TestTensors.Near(0.01, s.Factor(1), 1e-12);
        TestTensors.Near(0.5, s.Factor(50), 1e-12);
        TestTensors.Near(1.0, s.Factor(100), 1e-12);
        TestTensors.Near(1.0, s.Factor(1099), 1e-12);     // (1099 − 100) // 1000 = 0
        TestTensors.Near(0.95, s.Factor(1100), 1e-12);    // one decay
        TestTensors.Near(0.95 * 0.95, s.Factor(2100), 1e-12);
        TestTensors.Near(Math.Pow(0.95, 10), s.Factor(10_100), 1e-12);
    }

    [Fact]
    public void Cosine_schedule_warms_up_then_falls_to_its_floor()
    {
        var s = new WarmupCosineSchedule(WarmupSteps: 10, TotalSteps: 110, MinFactor: 0.1);
        TestTensors.Near(0.1, s.Factor(1), 1e-12);
        TestTensors.Near(1.0, s.Factor(10), 1e-12);
        TestTensors.Near(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.5)), s.Factor(60), 1e-12); // halfway: 0.55
        TestTensors.Near(0.1, s.Factor(110), 1e-12);
    }

    [Fact]
    public void Constant_schedule_is_one()
    {
        Assert.Equal(1.0, new ConstantSchedule().Factor(12345));
    }

    [Fact]
    public void Options_build_the_named_schedule_with_default_warmup_share()
    {
        var options = new RqVaeTrainerOptions { Schedule = ScheduleKind.WarmupStepDecay };
        var schedule = Assert.IsType<WarmupStepDecaySchedule>(LearningRateSchedule.Create(options, totalSteps: 2000));
        Assert.Equal(100, schedule.WarmupSteps); // 5 % of 2000
    }

    [Fact]
    public void Invalid_options_are_refused_up_front_naming_the_member()
    {
        var e = Assert.Throws<ArgumentException>(() => new RqVaeTrainer(new RqVaeTrainerOptions { BatchSize = 0 }));
        Assert.Contains("BatchSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RqVaeTrainer(new RqVaeTrainerOptions { LearningRate = double.NaN }));
        Assert.Contains("LearningRate", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RqVaeTrainerOptions { Model = new() { InputDimension = 8, Quantization = new() { CodebookSize = 1 } } }.Validate());
        Assert.Contains("CodebookSize", e.Message);
    }
}
