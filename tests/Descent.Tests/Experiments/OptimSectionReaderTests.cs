using Descent.Experiments;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tests.Optim;
using Descent.Tests.Optim.Schedules;

namespace Descent.Tests.Experiments;

/// <summary><c>optimizer:</c> and <c>schedule:</c> become typed options records; strings stay at the YAML boundary.</summary>
public class OptimSectionReaderTests
{
    [Fact]
    public void SectionsAreReadIntoTypedRecords()
    {
        var c = ExperimentConfig.Parse("""
            optimizer: {name: sgd, lr: 0.05, momentum: 0.9, nesterov: true, momentum_style: heavy_ball}
            schedule: {name: multisteplr, milestones: [3, 6], per: batch}
            """, "exp.yaml");
        var sgd = Assert.IsType<SgdOptions>(c.Optimizer.Options);
        Assert.Equal((0.05, 0.9, true), (sgd.Lr, sgd.Momentum, sgd.Nesterov));
        var multi = Assert.IsType<MultiStepLROptions>(c.Schedule!.Options);
        Assert.Equal([3, 6], multi.Milestones!);
        Assert.Equal(0.1, multi.Gamma);
        Assert.Equal("MultiStepLR", c.Schedule.Name);
        Assert.Equal(["milestones"], c.Schedule.Hyperparameters.Keys);
    }

    [Fact]
    public void ReduceLROnPlateauIsReadWithoutBuildingAnOptimizer()
    {
        var c = ExperimentConfig.Parse("data: {validation: 0.1}\nschedule: {name: ReduceLROnPlateau, factor: 0.5, min_lr: 0.001}\n", "exp.yaml");
        var plateau = Assert.IsType<ReduceLROnPlateauOptions>(c.Schedule!.Options);
        Assert.Equal((0.5, 0.001), (plateau.Factor, plateau.MinLr!.Single()));
        Assert.Contains("  min_lr: 0.001\n", c.ToYaml());
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("schedule: {name: ReduceLROnPlateau, min_lr: [0.1, 0.2]}\n", "exp.yaml"));
        Assert.Equal("exp.yaml:1:45: schedule.min_lr: ReduceLROnPlateau: expected 1 min_lr value (the experiment's optimizer has one parameter group), got 2", e.Message);
    }

    [Theory]
    [InlineData("schedule:\n  name: StepLR\n  step_size: 0\n", "exp.yaml:3:14: schedule.step_size: StepLR: step_size must be a positive integer, got 0.")]
    [InlineData("schedule:\n  name: StepLR\n  gamma: 0.5\n", "exp.yaml:2:3: schedule: StepLR: missing required hyperparameter 'step_size'.")]
    [InlineData("schedule:\n  name: OneCycleLR\n  anneal_strategy: cosine\n", "exp.yaml:3:20: schedule.anneal_strategy: OneCycleLR: anneal_strategy must be \"cos\" or \"linear\", got \"cosine\".")]
    [InlineData("schedule:\n  name: SequentialLR\n  schedulers: [{scheduler: LinearLR, hyperparams: {start_factor: 0}}]\n  milestones: []\n",
        "exp.yaml:3:15: schedule.schedulers: LinearLR: start_factor must be in (0, 1], got 0.")]
    [InlineData("optimizer:\n  name: adam\n  betas: [0.9, 1.0]\n", "exp.yaml:3:10: optimizer.betas: Adam: beta2 must be in [0, 1), got 1.")]
    [InlineData("optimizer:\n  name: sgd\n  nesterov: true\n", "exp.yaml:2:3: optimizer: SGD: Nesterov momentum requires a momentum > 0 and zero dampening")]
    public void ErrorsNameTheFileLineAndKey(string yaml, string expectedStart)
    {
        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse(yaml, "exp.yaml"));
        Assert.StartsWith(expectedStart, e.Message);
    }

    [Fact]
    public void RegisteredOptimizersAndSchedulesAreUsableFromYaml()
    {
        OptimizerFactoryTests.RegisterSignum();
        ScheduleOptionsTests.RegisterHold();
        var yaml = """
            data:
              dataset: synthetic
              synthetic: {kind: blobs, samples: 60, classes: 3, features: 2}
            model: {preset: mlp, hidden: [4]}
            optimizer: {name: signum, lr: 0.01, betas: [0.8, 0.9], sign: stochastic}
            schedule: {name: hold, steps: 2}
            """;
        var c = ExperimentConfig.Parse(yaml, "exp.yaml");
        var signum = Assert.IsType<SignumOptions>(c.Optimizer.Options);
        Assert.Equal((0.01, 0.8, 0.9, "stochastic"), (signum.Lr, signum.Beta1, signum.Beta2, signum.Sign));
        var resolved = c.ToYaml();
        Assert.Contains("optimizer:\n  name: signum\n  lr: 0.01\n  betas: [0.8, 0.9]\n  weight_decay: 0\n  sign: stochastic\n  warmup: null\n  maximize: false\n", resolved);
        Assert.Contains("schedule:\n  name: Hold\n  per: epoch\n  steps: 2\n", resolved);
        Assert.Equal(resolved, ExperimentConfig.Parse(resolved, "resolved.yaml").ToYaml());

        var x = ExperimentBuilder.Build(c);
        Assert.Equal(0.01 * 0.5, x.Optimizer.ParamGroups[0].Lr);   // Hold's factor applied at step 0
        Assert.IsType<ConstantLR>(x.Scheduler!.Schedule);

        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("optimizer:\n  name: signum\n  sign: random\n", "exp.yaml"));
        Assert.Equal("exp.yaml:3:9: optimizer.sign: Signum: sign must be \"plain\" or \"stochastic\", got \"random\".", e.Message);
    }
}
