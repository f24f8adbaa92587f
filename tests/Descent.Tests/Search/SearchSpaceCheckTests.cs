using Descent.Experiments;
using Descent.Search.Studies;
using Descent.Tests.Optim;

namespace Descent.Tests.Search;

/// <summary>
/// Search parameters over optimizer and schedule hyperparameters are checked against the options records' declarations
/// when the study file is read, and rejected at their own line.
/// </summary>
public class SearchSpaceCheckTests
{
    private static ConfigException Rejects(string yaml) => Assert.Throws<ConfigException>(() => StudyFile.Parse(yaml, "s.yaml"));

    [Theory]
    [InlineData("optimizer: adam\nsearch:\n  momentum: {float: [0.5, 0.99]}\n",
        "s.yaml:3:13: search.momentum: optimizer.momentum: Adam has no hyperparameter 'momentum' (known: lr, betas, eps, weight_decay, amsgrad, maximize)")]
    [InlineData("optimizer: sgd\nsearch:\n  momentum: {float: [0.5, 1.5]}\n",
        "s.yaml:3:13: search.momentum: optimizer.momentum: the range [0.5, 1.5] leaves SGD's momentum, which must be in [0, 1)")]
    [InlineData("search:\n  lr: {float: [-0.1, 0.1]}\n",
        "s.yaml:2:7: search.lr: optimizer.lr: the range [-0.1, 0.1] leaves Adam's lr, which must be ≥ 0 and finite")]
    [InlineData("optimizer: sgd\nsearch:\n  nesterov: {float: [0, 1], path: optimizer.nesterov}\n",
        "s.yaml:3:13: search.nesterov: optimizer.nesterov: SGD's nesterov is true or false; search it with choice: [true, false]")]
    [InlineData("optimizer: sgd\nsearch:\n  style: {choice: [ema, textbook], path: optimizer.momentum_style}\n",
        "s.yaml:3:10: search.style: optimizer.momentum_style: the choice textbook is invalid: SGD: momentum_style must be \"heavy_ball\" or \"ema\", got \"textbook\".")]
    [InlineData("search:\n  betas: {choice: [[0.9, 0.99], [0.9, 1.0]], path: optimizer.betas}\n",
        "s.yaml:2:10: search.betas: optimizer.betas: the choice [0.9, 1.0] is invalid: Adam: beta2 must be in [0, 1), got 1.")]
    [InlineData("search:\n  optimizer: {choice: [sgd, adam]}\n  momentum: {float: [0.5, 0.9]}\n",
        "s.yaml:3:13: search.momentum: optimizer.momentum: Adam has no hyperparameter 'momentum'")]
    [InlineData("search:\n  optimizer: {choice: [sgd, adamm]}\n",
        "s.yaml:2:14: search.optimizer: optimizer.name: unknown optimizer 'adamm'")]
    [InlineData("search:\n  gamma: {float: [0.1, 0.9], path: schedule.gamma}\n",
        "s.yaml:2:10: search.gamma: schedule.gamma: the experiment has no schedule; give schedule: {name: ...} to search its hyperparameters")]
    [InlineData("schedule: {name: StepLR, step_size: 2}\nsearch:\n  gamma: {float: [-0.5, 0.5], path: schedule.gamma}\n",
        "s.yaml:3:10: search.gamma: schedule.gamma: the range [-0.5, 0.5] leaves StepLR's gamma, which must be ≥ 0 and finite")]
    [InlineData("schedule: {name: StepLR, step_size: 2}\nsearch:\n  gamma: {float: [0.1, 2], path: schedule.gamma, log: true}\n  t: {int: [1, 5], path: schedule.T_max}\n",
        "s.yaml:4:6: search.t: schedule.T_max: StepLR has no hyperparameter 'T_max' (known: step_size, gamma)")]
    [InlineData("schedule: {name: StepLR, step_size: 2}\nsearch:\n  size: {float: [1, 5], path: schedule.step_size}\n",
        "s.yaml:3:9: search.size: schedule.step_size: StepLR's step_size is a positive integer; search it with int: [low, high]")]
    [InlineData("schedule: {name: StepLR, step_size: 2}\nsearch:\n  size: {int: [0, 5], path: schedule.step_size}\n",
        "s.yaml:3:9: search.size: schedule.step_size: the range [0, 5] leaves StepLR's step_size, which must be a positive integer")]
    public void HyperparametersOutsideTheirDeclarationAreRejectedAtTheirLine(string yaml, string expectedStart) =>
        Assert.StartsWith(expectedStart, Rejects(yaml).Message);

    [Fact]
    public void ValidSpacesPass()
    {
        var f = StudyFile.Parse("""
            optimizer: {name: sgd, lr: 0.1}
            schedule: {name: CosineAnnealingLR, T_max: 10}
            search:
              optimizer: {choice: [sgd, rmsprop]}
              lr: {float: [1e-4, 1.0], log: true}
              momentum: {float: [0.0, 0.95]}
              eta: {float: [0, 0.001], path: schedule.eta_min}
              t: {int: [5, 50], path: schedule.T_max}
              sched: {choice: [CosineAnnealingLR, cosineannealinglr], path: schedule.name}
              hidden: {int: [8, 64]}
            """, "s.yaml");
        Assert.Equal(7, f.Parameters.Count);
        StudyFile.Parse("search:\n  betas: {choice: [[0.9, 0.99], [0.8, 0.999]], path: optimizer.betas}\n  ams: {choice: [true, false], path: optimizer.amsgrad}\n", "s.yaml");
    }

    [Fact]
    public void RegisteredOptimizersAreCheckedByTheirOwnDeclarations()
    {
        OptimizerFactoryTests.RegisterSignum();
        StudyFile.Parse("optimizer: signum\nsearch:\n  sign: {choice: [plain, stochastic], path: optimizer.sign}\n  lr: {float: [1e-5, 1e-3], log: true}\n", "s.yaml");
        var e = Rejects("optimizer: signum\nsearch:\n  w: {int: [0, 10], path: optimizer.warmup}\n");
        Assert.StartsWith("s.yaml:3:6: search.w: optimizer.warmup: the range [0, 10] leaves Signum's warmup, which must be a positive integer", e.Message);
    }
}
