using Descent.Data;
using Descent.Experiments;
using Descent.Examples.CustomOptimizer;
using Descent.NN;
using Descent.Optim;
using Descent.Optim.Schedules;
using Descent.Tensors;
using Descent.Training;
using Descent.Training.Callbacks;
using Descent.Training.Checkpointing;

namespace Descent.Extensions.Tests.Optim;

/// <summary>
/// A custom optimizer written outside the library (the example's <see cref="Lion"/>, on
/// <see cref="Optimizer{TOptions, TState}"/>) gets parameter groups, state dicts, schedules, clipping and exact
/// checkpoint/resume from the base class.
/// </summary>
public sealed class CustomOptimizerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("descent-ext-optim-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static Tensor Param(params double[] values) => Tensor.FromArray(values, values.Length).RequiresGradInPlace();

    private static void SetGrad(Tensor p, params double[] values) => p.Grad = Tensor.FromArray(values, values.Length);

    [Fact]
    public void LionFollowsThePaperWithDecoupledWeightDecay()
    {
        var p = Param(1.0, -2.0, 0.5);
        var opt = new Lion([p], new LionOptions(lr: 0.1, beta1: 0.9, beta2: 0.99, weightDecay: 0.5));
        double[] theta = [1.0, -2.0, 0.5], m = [0, 0, 0];
        double[][] grads = [[0.3, -0.2, 0.0], [-1.0, 0.4, 2.0]];
        foreach (var g in grads)
        {
            SetGrad(p, g);
            opt.Step();
            for (int i = 0; i < 3; i++)
            {
                double c = 0.9 * m[i] + (1 - 0.9) * g[i];
                theta[i] = theta[i] * (1 - 0.1 * 0.5) - 0.1 * Math.Sign(c);
                m[i] = 0.99 * m[i] + (1 - 0.99) * g[i];
            }
        }
        Assert.Equal(theta, p.ToDoubleArray());
        Assert.Equal(m, opt.GetState(p)!.ExpAvg.ToDoubleArray());
        Assert.Equal(2, opt.GetState(p)!.Step);
    }

    [Fact]
    public void DefaultsAreThePapersAndOptionsWorkByPyTorchName()
    {
        var o = new LionOptions();
        Assert.Equal((1e-4, 0.9, 0.99, 0.0), (o.Lr, o.Beta1, o.Beta2, o.WeightDecay));
        Assert.Equal(["lr", "betas", "weight_decay"], o.Names);

        o.Set("betas", new[] { 0.8, 0.95 });
        Assert.Equal((0.8, 0.95), (o.Beta1, o.Beta2));
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => o.Set("betas", new[] { 1.5, 0.9 }));
        Assert.Contains("Lion: beta1 must be in [0, 1), got 1.5.", bad.Message);
        var unknown = Assert.Throws<ArgumentException>(() => o.Set("eps", 1e-8));
        Assert.Contains("Lion: unknown hyperparameter 'eps' (known: lr, betas, weight_decay)", unknown.Message);
        Assert.Contains("Lion: lr must be ≥ 0 and finite", Assert.Throws<ArgumentOutOfRangeException>(() => new LionOptions(lr: -1)).Message);
    }

    [Fact]
    public void RegisteredLionIsUsableByNameFromExperimentsAndStudies()
    {
        Lion.Register();
        Lion.Register();
        Assert.IsType<LionOptions>(OptimizerFactory.CreateOptions("lion", new Dictionary<string, object?> { ["betas"] = new[] { 0.8, 0.9 } }));
        var config = ExperimentConfig.Parse("""
            data:
              dataset: synthetic
              synthetic: {kind: blobs, samples: 40, classes: 2, features: 3}
            model: {preset: mlp, hidden: [4]}
            optimizer: {name: lion, lr: 0.003, betas: [0.95, 0.98], weight_decay: 0.1}
            schedule: {name: OneCycleLR, total_steps: 10, per: batch}
            """, "lion.yaml");
        var options = Assert.IsType<LionOptions>(config.Optimizer.Options);
        Assert.Equal((0.003, 0.95, 0.98, 0.1), (options.Lr, options.Beta1, options.Beta2, options.WeightDecay));
        Assert.Contains("optimizer:\n  name: lion\n  lr: 0.003\n  betas: [0.95, 0.98]\n  weight_decay: 0.1\n", config.ToYaml());
        var built = ExperimentBuilder.Build(config);
        var lion = Assert.IsType<Lion>(built.Optimizer);
        Assert.Equal(0.95, lion.Group(0).Options.Beta1);   // OneCycleLR cycles β₁ as momentum: max_momentum at step 0

        var e = Assert.Throws<ConfigException>(() => ExperimentConfig.Parse("optimizer:\n  name: lion\n  betas: [0.9, 1.0]\n", "lion.yaml"));
        Assert.Equal("lion.yaml:3:10: optimizer.betas: Lion: beta2 must be in [0, 1), got 1.", e.Message);

        Descent.Search.Studies.StudyFile.Parse(
            "optimizer: lion\nsearch:\n  lr: {float: [1e-5, 1e-3], log: true}\n  betas: {choice: [[0.9, 0.99], [0.95, 0.98]], path: optimizer.betas}\n", "s.yaml");
        var rejected = Assert.Throws<ConfigException>(() => Descent.Search.Studies.StudyFile.Parse(
            "optimizer: lion\nsearch:\n  eps: {float: [1e-9, 1e-6], log: true, path: optimizer.eps}\n", "s.yaml"));
        Assert.StartsWith("s.yaml:3:8: search.eps: optimizer.eps: Lion has no hyperparameter 'eps' (known: lr, betas, weight_decay)", rejected.Message);
    }

    [Fact]
    public void ParamGroupsKeepTheirOwnHyperparameters()
    {
        var body = Param(1, 1);
        var head = Param(1, 1);
        var opt = new Lion([body], new LionOptions(lr: 0.01));
        opt.AddParamGroup([head], opt.Defaults with { Lr = 0.5 });
        SetGrad(body, 1, -1);
        SetGrad(head, 1, -1);
        opt.Step();
        Assert.Equal([0.99, 1.01], body.ToDoubleArray());
        Assert.Equal([0.5, 1.5], head.ToDoubleArray());
        Assert.Equal([0.01, 0.5], opt.ParamGroups.Select(g => g.Lr));
        Assert.IsType<LionOptions>(opt.Group(1).Options);
        Assert.Throws<ArgumentException>(() => opt.AddParamGroup([head], null));
    }

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        var (a, b) = (Param(0.5, -0.5, 2), Param(0.5, -0.5, 2));
        var first = new Lion([a], new LionOptions(lr: 0.05, weightDecay: 0.1));
        SetGrad(a, 0.2, -0.4, 0.1);
        first.Step();

        var dict = first.StateDict();
        Assert.Equal("Lion", dict.Optimizer);
        Assert.Equal(["step", "exp_avg"], dict.State[0].Keys);
        Assert.Equal(1.0, dict.State[0]["step"]);
        Assert.Equal(0.05, dict.ParamGroups[0]["lr"]);
        Assert.Equal([0.9, 0.99], (double[])dict.ParamGroups[0]["betas"]!);
        Assert.Equal(0.1, dict.ParamGroups[0]["weight_decay"]);
        Assert.Equal([0], (int[])dict.ParamGroups[0]["params"]!);

        var second = new Lion([b]);
        second.LoadStateDict(dict);
        b.CopyFrom(a);
        Assert.Equal(0.05, second.ParamGroups[0].Lr);
        Assert.NotSame(first.GetState(a)!.ExpAvg, second.GetState(b)!.ExpAvg);
        foreach (var (opt, p) in new[] { (first, a), (second, b) })
        {
            SetGrad(p, -0.3, 0.0, 0.7);
            opt.Step();
        }
        Assert.Equal(a.ToDoubleArray(), b.ToDoubleArray());
        Assert.Equal(first.GetState(a)!.ExpAvg.ToDoubleArray(), second.GetState(b)!.ExpAvg.ToDoubleArray());
        Assert.Equal(2, second.GetState(b)!.Step);
    }

    [Fact]
    public void ForeignOrBrokenStateDictsAreRejectedWithTheBuiltInMessages()
    {
        var p = Param(1, 2);
        var lion = new Lion([p]);
        SetGrad(p, 1, 1);
        lion.Step();

        var adam = new Adam([Param(1, 2)]);
        Assert.Contains("saved by Lion, not Adam", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(lion.StateDict())).Message);

        var missing = lion.StateDict();
        missing.State[0].Remove("exp_avg");
        Assert.Contains("Lion.LoadStateDict: state of parameter 0 (shape [2]): missing 'exp_avg'",
            Assert.Throws<ArgumentException>(() => lion.LoadStateDict(missing)).Message);

        var extra = lion.StateDict();
        extra.State[0]["exp_avg_sq"] = Tensor.Zeros(2);
        Assert.Contains("unexpected entry 'exp_avg_sq'", Assert.Throws<ArgumentException>(() => lion.LoadStateDict(extra)).Message);

        var shape = lion.StateDict();
        shape.State[0]["exp_avg"] = Tensor.Zeros(3);
        Assert.Contains("'exp_avg' has shape [3], expected [2]", Assert.Throws<ArgumentException>(() => lion.LoadStateDict(shape)).Message);
    }

    [Fact]
    public void SchedulesWriteTheLearningRateAndCycleBeta1()
    {
        var p = Param(1, 2);
        var opt = new Lion([p], new LionOptions(lr: 0.01));
        var scheduler = new LrScheduler(opt, new OneCycleLR(maxLr: 0.01, totalSteps: 10, baseMomentum: 0.8, maxMomentum: 0.95));
        Assert.Equal(0.01 / 25, opt.ParamGroups[0].Lr, 12);
        Assert.Equal(0.95, opt.Group(0).Options.Beta1, 12);
        for (int i = 0; i < 2; i++)   // the warm-up phase ends at step 0.3·10 − 1 = 2
        {
            SetGrad(p, 1, 1);
            opt.Step();
            scheduler.Step();
        }
        Assert.Equal(0.01, opt.ParamGroups[0].Lr, 12);
        Assert.Equal(0.8, opt.Group(0).Options.Beta1, 12);
        Assert.Equal(0.01, opt.ParamGroups[0].InitialLr);
    }

    [Fact]
    public void ClippingActsOnTheGradientsTheOptimizerSees()
    {
        var p = Param(0, 0);
        var opt = new Lion([p], new LionOptions(beta2: 0.5));
        SetGrad(p, 3, 4);
        double norm = Clipping.ClipGradNorm(opt.Parameters, maxNorm: 1.0);
        opt.Step();
        Assert.Equal(5, norm, 12);
        // m = (1 − β₂)·g with g clipped to norm 1: (0.6, 0.8)·0.5.
        var m = opt.GetState(p)!.ExpAvg.ToDoubleArray();
        Assert.Equal(0.3, m[0], 6);
        Assert.Equal(0.4, m[1], 6);
    }

    private static (Trainer Trainer, Linear Model, LrScheduler Scheduler) MakeRun()
    {
        var model = new Linear(1, 1, dtype: DType.Float64, generator: new Generator(0));
        var opt = new Lion(model.Parameters(), new LionOptions(lr: 0.2, weightDecay: 0.01));
        var scheduler = new LrScheduler(opt, new CosineAnnealingLR(24), ScheduleInterval.Batch);
        var trainer = new Trainer(model, new MSELoss(), opt).With(new GradientClipping(maxNorm: 0.5), new LrSchedulerCallback(scheduler));
        return (trainer, model, scheduler);
    }

    private static DataLoader Loader() =>
        new(SyntheticData.LinearRegression(128, 2.0, 2.0, noise: 0.01, seed: 4, dtype: DType.Float64), 16, shuffle: true, seed: 9);

    [Fact]
    public void TrainerCheckpointResumesExactly()
    {
        var reference = MakeRun();
        reference.Trainer.Fit(Loader(), epochs: 3);

        var crashing = MakeRun();
        var ckpt = new ModelCheckpoint(_dir.FullName, monitor: "loss", everySteps: 5)
        {
            Extras = () => new Dictionary<string, Dictionary<string, object?>> { ["scheduler"] = crashing.Scheduler.StateDict() },
        };
        Assert.Throws<OperationCanceledException>(() => crashing.Trainer.With(ckpt, new SimulatedCrash(13)).Fit(Loader(), epochs: 3));

        var saved = TrainingCheckpoint.Load(ckpt.LastPath);
        Assert.Equal(10, saved.Resume.GlobalStep);
        var resumed = MakeRun();
        saved.Restore(resumed.Model, resumed.Trainer.Optimizer);
        resumed.Scheduler.LoadStateDict(saved.Extras["scheduler"]);
        var history = resumed.Trainer.Fit(Loader(), epochs: 3, resume: saved.Resume);

        Assert.Equal(reference.Model.Weight.Item(), resumed.Model.Weight.Item());
        Assert.Equal(reference.Model.Bias!.Item(), resumed.Model.Bias!.Item());
        Assert.Equal(reference.Trainer.LastContext!.History.Series("loss"), history.Series("loss"));
        var lion = (Lion)resumed.Trainer.Optimizer;
        Assert.Equal(24, lion.GetState(resumed.Model.Weight)!.Step);
        Assert.True(history.Series("loss")[^1] < history.Series("loss")[0] / 4, string.Join(", ", history.Series("loss")));
    }

    /// <summary>Sign descent whose state also keeps a scalar tensor and a number, to use the reader's other shapes.</summary>
    private sealed class NormTracking(IEnumerable<Tensor> parameters, bool writeTwice = false)
        : Optimizer<GradientDescentOptions, NormTracking.State>(parameters, new GradientDescentOptions(lr: 0.1))
    {
        public override string Name => "NormTracking";

        protected override State CreateState(Tensor param, GradientDescentOptions options) =>
            new(writeTwice) { GradNorm = Tensor.Zeros(Shape.Scalar, param.DType) };

        protected override State CreateEmptyState(Tensor param) => new(writeTwice);

        protected override void Update(Tensor param, Tensor grad, State state, GradientDescentOptions options) =>
            state.Advance(param, grad, options.Lr);

        public sealed class State(bool writeTwice) : ParamState
        {
            public Tensor GradNorm { get; set; } = null!;

            public double LargestNorm { get; private set; }

            internal void Advance(Tensor param, Tensor grad, double lr)
            {
                Step++;
                double norm = Math.Sqrt(grad.ToDoubleArray().Sum(g => g * g));
                GradNorm.CopyFrom(Tensor.Scalar(norm, GradNorm.DType));
                LargestNorm = Math.Max(LargestNorm, norm);
                param.AddInPlace(grad.Sign(), -lr);
            }

            protected override void Save(StateWriter writer)
            {
                writer.StepCount(Step);
                writer.Tensor("grad_norm", GradNorm);
                writer.Number("largest_norm", LargestNorm);
                if (writeTwice) writer.Number("largest_norm", LargestNorm);
            }

            protected override void Load(StateReader reader)
            {
                Step = reader.StepCount();
                GradNorm = reader.Tensor("grad_norm", Shape.Scalar);
                LargestNorm = reader.Number("largest_norm");
            }
        }
    }

    [Fact]
    public void StatesMayHoldTensorsOfOtherShapesAndNumbers()
    {
        var p = Param(1, 1);
        var opt = new NormTracking([p]);
        SetGrad(p, 3, -4);
        opt.Step();
        var dict = opt.StateDict();
        Assert.Equal(5.0, ((Tensor)dict.State[0]["grad_norm"]!).Item());
        Assert.Equal(5.0, dict.State[0]["largest_norm"]);

        var copy = new NormTracking([Param(1, 1)]);
        copy.LoadStateDict(dict);
        Assert.Equal(5.0, copy.GetState(copy.Parameters[0])!.GradNorm.Item());
        Assert.Equal(1, copy.GetState(copy.Parameters[0])!.Step);

        dict.State[0]["grad_norm"] = Tensor.Zeros(2);
        Assert.Contains("NormTracking.LoadStateDict: state of parameter 0 (shape [2]): 'grad_norm' has shape [2], expected []",
            Assert.Throws<ArgumentException>(() => copy.LoadStateDict(dict)).Message);
    }

    [Fact]
    public void WritingAnEntryTwiceIsAnError()
    {
        var p = Param(1);
        var opt = new NormTracking([p], writeTwice: true);
        SetGrad(p, 2);
        opt.Step();
        Assert.Equal("NormTracking.StateDict: state of parameter 0 writes 'largest_norm' twice.",
            Assert.Throws<InvalidOperationException>(() => opt.StateDict()).Message);
    }
}
