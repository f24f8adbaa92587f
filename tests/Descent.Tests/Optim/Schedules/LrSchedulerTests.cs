using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;

namespace Descent.Tests.Optim.Schedules;

/// <summary>The scheduler shell, compositions and the stateful plateau scheduler, beyond the PyTorch fixtures.</summary>
public class LrSchedulerTests
{
    private static Sgd Sgd(double lr = 0.1, double momentum = 0.9) =>
        new([Tensor.Zeros(2).RequiresGradInPlace()], new SgdOptions(lr, momentum));

    [Fact]
    public void SchedulesAreFunctionsOfTheBaseRate()
    {
        Assert.Equal(0.1 * 0.5 * 0.5, new StepLR(10, 0.5).LearningRate(25, 0.1), 15);
        Assert.Equal(0.3 * 0.3, new MultiStepLR([5, 5, 9], 0.3).Factor(5), 15);
        Assert.Equal(1e-3, new CosineAnnealingLR(10, 1e-3).LearningRate(10, 0.2), 15);
        Assert.Equal(0.2, new CosineAnnealingWarmRestarts(5, 2, 0).LearningRate(15, 0.2), 15);   // restart at 5 + 10
        Assert.Equal(0.0, new PolynomialLR(4, 2).Factor(7));
        Assert.Equal(Math.Exp(-0.5), new ContinuousExponentialDecay(0.1).Factor(5), 15);
        Assert.Equal(Math.Pow(0.5, 2), new KerasExponentialDecay(10, 0.5, staircase: true).Factor(29), 15);
        Assert.Equal(0.1 / 3, new ConstantLR().LearningRate(0, 0.1), 15);
    }

    [Fact]
    public void ChainedMultipliesAndSequentialRestartsEachPart()
    {
        var chained = new ChainedScheduler([new ExponentialLR(0.9), new StepLR(2, 0.5)]);
        Assert.Equal(1.0 * Math.Pow(0.9, 5) * 0.25, chained.LearningRate(5, 1.0), 14);
        var warm = LrSchedules.WithLinearWarmup(4, new ExponentialLR(0.5), startFactor: 0.2);
        Assert.Equal([0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.25], Enumerable.Range(0, 7).Select(t => Math.Round(warm.LearningRate(t, 1.0), 12)));
        Assert.Throws<ArgumentException>(() => new SequentialLR([new ConstantSchedule()], [3]));
        Assert.Throws<ArgumentException>(() => new SequentialLR([new ConstantSchedule(), new ConstantSchedule(), new ConstantSchedule()], [4, 4]));
    }

    [Fact]
    public void FirstSchedulerSetsInitialLrAndLaterOnesReuseIt()
    {
        var opt = Sgd(0.1, 0);
        var first = new LrScheduler(opt, new ExponentialLR(0.5));
        first.Step();
        Assert.Equal(0.05, opt.ParamGroups[0].Lr, 15);
        var second = new LrScheduler(opt, new ConstantSchedule(), ScheduleInterval.Batch);
        Assert.Equal(0.1, second.BaseLrs[0]);
        Assert.Equal(ScheduleInterval.Batch, second.Interval);
        Assert.Equal(0.1, opt.StateDict().ParamGroups[0]["initial_lr"]);
    }

    [Fact]
    public void SchedulerStateDictResumes()
    {
        var opt = Sgd();
        var s = new LrScheduler(opt, new CosineAnnealingLR(20, 0.01));
        for (int i = 0; i < 7; i++) s.Step();
        var saved = s.StateDict();
        var opt2 = Sgd(0.5);
        var s2 = new LrScheduler(opt2, new CosineAnnealingLR(20, 0.01));
        s2.LoadStateDict(saved);
        Assert.Equal(7, s2.LastStep);
        Assert.Equal(opt.ParamGroups[0].Lr, opt2.ParamGroups[0].Lr);
        s.Step();
        s2.Step();
        Assert.Equal(opt.ParamGroups[0].Lr, opt2.ParamGroups[0].Lr);
        Assert.Throws<ArgumentException>(() => s2.LoadStateDict(new Dictionary<string, object?> { ["last_step"] = 1.0, ["base_lrs"] = new[] { 0.1, 0.2 } }));
        Assert.Throws<ArgumentException>(() => s2.LoadStateDict(new Dictionary<string, object?> { ["last_epoch"] = 1.0 }));
    }

    [Fact]
    public void MomentumCyclingWritesBeta1OfAdamAndNeedsMomentum()
    {
        var adam = new Adam([Tensor.Zeros(2).RequiresGradInPlace()]);
        var cycle = new OneCycleLR(0.01, totalSteps: 10);
        var s = new LrScheduler(adam, cycle, ScheduleInterval.Batch);
        Assert.Equal(0.95, adam.Group(0).Options.Beta1);
        for (int i = 0; i < 3; i++) s.Step();
        Assert.Equal(cycle.Momentum(3), adam.Group(0).Options.Beta1);
        var adagrad = new Adagrad([Tensor.Zeros(2).RequiresGradInPlace()]);
        Assert.Contains("cycleMomentum: false", Assert.Throws<ArgumentException>(() => new LrScheduler(adagrad, new CyclicLR(0.001, 0.01))).Message);
        _ = new LrScheduler(adagrad, new CyclicLR(0.001, 0.01, cycleMomentum: false));
    }

    [Fact]
    public void OneCycleRefusesToStepPastItsLength()
    {
        var s = new LrScheduler(Sgd(), new OneCycleLR(0.1, totalSteps: 3));
        for (int i = 0; i < 3; i++) s.Step();
        Assert.Contains("total steps is 3", Assert.Throws<InvalidOperationException>(s.Step).Message);
        Assert.Equal(12, OneCycleLR.FromEpochs(0.1, 3, 4).TotalSteps);
    }

    [Fact]
    public void CyclicCustomScaleFunction()
    {
        var c = new CyclicLR(0.0, 1.0, x => 1.0 / x, scaleByCycle: true, stepSizeUp: 2, cycleMomentum: false);
        Assert.Equal([0.0, 0.5, 1.0, 0.5, 0.0, 0.25, 0.5], Enumerable.Range(0, 7).Select(t => c.LearningRate(t, 9)));
    }

    [Fact]
    public void PlateauReducesAfterPatienceAndHonoursCooldownAndMinimum()
    {
        var opt = Sgd(1.0, 0);
        var p = new ReduceLROnPlateau(opt, PlateauMode.Min, factor: 0.5, patience: 1, cooldown: 1, minLrs: [0.3]);
        double[] metrics = [5, 5, 5, 5, 5, 5, 5];
        var lrs = metrics.Select(m => { p.Step(m); return opt.ParamGroups[0].Lr; }).ToArray();
        // Bad steps 1, 2 → reduce at step 3 (1 > patience); cooldown swallows step 4; reduce again at step 6, then clamp.
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.5, 0.3, 0.3], lrs);
        var saved = p.StateDict();
        var p2 = new ReduceLROnPlateau(Sgd(), PlateauMode.Min, 0.5, 1, cooldown: 1);
        p2.LoadStateDict(saved);
        Assert.Equal(p.Best, p2.Best);
        Assert.Equal(p.NumBadSteps, p2.NumBadSteps);
        Assert.Equal(p.CooldownCounter, p2.CooldownCounter);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, factor: 1.0));
    }

    [Fact]
    public void FactoryRejectsUnknownSchedulesAndHyperparameters()
    {
        Assert.Contains("Unknown schedule 'WarmupLR'", Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("WarmupLR", null)).Message);
        var e = Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("StepLR", new Dictionary<string, object?> { ["step_size"] = 3.0, ["gama"] = 0.1 }));
        Assert.Contains("unknown hyperparameter 'gama'", e.Message);
        Assert.Contains("missing required hyperparameter 'step_size'", Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("StepLR", null)).Message);
        Assert.Contains("ScheduleFactory.CreatePlateau", Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("ReduceLROnPlateau", null)).Message);
        Assert.Contains("mode must be", Assert.Throws<ArgumentException>(() => ScheduleFactory.CreatePlateau(Sgd(), new Dictionary<string, object?> { ["mode"] = "mean" })).Message);
    }

    [Fact]
    public void InvalidArgumentsNameTheSchedule()
    {
        Assert.Contains("StepLR: step_size", Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(0)).Message);
        Assert.Contains("LinearLR: start_factor", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearLR(0)).Message);
        Assert.Contains("OneCycleLR: pct_start", Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLR(0.1, 10, pctStart: 1.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepLR(2).Factor(-1));
    }
}
