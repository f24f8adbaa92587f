using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class BenchmarkFunctionsTests
{
    [Fact]
    public void KnownMinimaAreReached()
    {
        // Minima and minimizers from the Virtual Library of Simulation Experiments (Surjanovic & Bingham).
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(-Math.PI, 12.275), 5);
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(Math.PI, 2.275), 5);
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(9.42478, 2.475), 5);
        double[] h = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
        Assert.Equal(BenchmarkFunctions.Hartmann6Min, BenchmarkFunctions.Hartmann6(h), 4);
        Assert.Equal(0.0, BenchmarkFunctions.Rosenbrock(Enumerable.Repeat(1.0, 10).ToArray()));
        Assert.Equal(0.0, BenchmarkFunctions.Rosenbrock(Enumerable.Repeat(1.0, 4).ToArray()));
        Assert.Equal(0.0, BenchmarkFunctions.Sphere(new double[10]));
        // Six-hump camel: −1.0316 at (0.0898, −0.7126) and (−0.0898, 0.7126) (minimizers given to 4 digits).
        Assert.InRange(BenchmarkFunctions.SixHumpCamel(0.0898, -0.7126), -1.0316 - 1e-4, -1.0316 + 1e-4);
        Assert.InRange(BenchmarkFunctions.SixHumpCamel(-0.0898, 0.7126), -1.0316 - 1e-4, -1.0316 + 1e-4);
        Assert.Equal(-1.0316, BenchmarkFunctions.SixHumpCamelMin);
        // Styblinski–Tang: −39.16617·d at xᵢ = −2.903534 (−39.16617 d < f < −39.16616 d).
        var st = BenchmarkFunctions.StyblinskiTang(Enumerable.Repeat(-2.903534, 5).ToArray());
        Assert.InRange(st, -39.16617 * 5, -39.16616 * 5);
        Assert.Equal(-39.16617, BenchmarkFunctions.StyblinskiTangMinPerDimension);
        Assert.Equal(0.0, BenchmarkFunctions.Ackley(new double[5]), 12);
        Assert.Equal(0.0, BenchmarkFunctions.Rastrigin(new double[5]));
        Assert.Equal(0.0, BenchmarkFunctions.Levy(Enumerable.Repeat(1.0, 5).ToArray()), 12);
        Assert.Equal(0.0, BenchmarkFunctions.Griewank(new double[5]));
        Assert.Equal(0.0, BenchmarkFunctions.Mixed(1e-3, 0.25, 5, 64, "adam", true), 12);
    }

    [Fact]
    public void FunctionsMatchHandEvaluatedPoints()
    {
        // Away from the minima, where a wrong constant or index would show; each value worked out from the formula.
        Assert.Equal(14.0, BenchmarkFunctions.Sphere([1.0, 2.0, 3.0]));
        Assert.Equal(101.0, BenchmarkFunctions.Rosenbrock([0.0, 1.0]));
        Assert.Equal(4 - 2.1 + 1.0 / 3 + 1, BenchmarkFunctions.SixHumpCamel(1, 1), 12);   // x1 = x2 = 1: (4 − 2.1 + 1/3) + 1 + 0
        Assert.Equal(20 * (1 - Math.Exp(-0.2)), BenchmarkFunctions.Ackley([1.0, 1.0, 1.0]), 12);   // cos 2π = 1
        Assert.Equal(-5.0, BenchmarkFunctions.StyblinskiTang([1.0]), 12);                         // (1 − 16 + 5)/2
        Assert.Equal(1.0, BenchmarkFunctions.Rastrigin([1.0, 0, 0, 0, 0]), 12);                   // 50 + (1 − 10) − 40
        Assert.Equal(1.0, BenchmarkFunctions.Levy([1.0, 1.0, 5.0]), 12);                          // w = (1, 1, 2)
        Assert.Equal(1 + Math.PI * Math.PI / 16000, BenchmarkFunctions.Griewank([Math.PI / 2, 0]), 12);
        Assert.Equal(1 + 2.0 / 4000 - Math.Cos(1), BenchmarkFunctions.Griewank([0, Math.Sqrt(2)]), 12);   // cos(√2/√2)
        Assert.Equal(0.25 + 0.09 / 4 + 0.3 * Math.Sin(-10), BenchmarkFunctions.LogMix(1e-2, 128, 0.2), 12);
        Assert.Equal(1 + 1 + 4 + 3 + 3 + 2, BenchmarkFunctions.Mixed(1e-2, 0, 9, 8, "sgd", false), 12);
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Ackley([]));
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Levy([]));
    }

    private static Dictionary<string, Distribution> Box(int dims, double low, double high) =>
        Enumerable.Range(0, dims).ToDictionary(i => "x" + i, i => (Distribution)new FloatDistribution(low, high));

    [Fact]
    public void ObjectivesSuggestNamedBoxes()
    {
        // The spaces bench/compare/tuning.py must reproduce (names, ranges, log/step, choices in order).
        var expected = new Dictionary<string, Dictionary<string, Distribution>>
        {
            ["sphere"] = Box(3, -5, 5),
            ["sphere2"] = Box(2, -5, 5),
            ["sphere10"] = Box(10, -5, 5),
            ["branin"] = new() { ["x0"] = new FloatDistribution(-5, 10), ["x1"] = new FloatDistribution(0, 15) },
            ["hartmann6"] = Box(6, 0, 1),
            ["rosenbrock4"] = Box(4, -5, 10),
            ["rosenbrock10"] = Box(10, -5, 10),
            ["camel"] = new() { ["x0"] = new FloatDistribution(-3, 3), ["x1"] = new FloatDistribution(-2, 2) },
            ["ackley5"] = Box(5, -32.768, 32.768),
            ["styblinski5"] = Box(5, -5, 5),
            ["rastrigin5"] = Box(5, -5.12, 5.12),
            ["levy5"] = Box(5, -10, 10),
            ["griewank5"] = Box(5, -600, 600),
            ["logmix"] = new()
            {
                ["lr"] = new FloatDistribution(1e-5, 1, log: true), ["h"] = new IntDistribution(8, 512, log: true),
                ["dr"] = new FloatDistribution(0, 0.9),
            },
            ["mixed"] = new()
            {
                ["lr"] = new FloatDistribution(1e-5, 1, log: true), ["drop"] = new FloatDistribution(0, 0.5, step: 0.125),
                ["layers"] = new IntDistribution(1, 9, step: 2), ["width"] = new IntDistribution(8, 512, log: true),
                ["opt"] = new CategoricalDistribution(["sgd", "adam", "rmsprop"]),
                ["bn"] = new CategoricalDistribution([true, false]),
            },
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), BenchmarkFunctions.Names.Order(StringComparer.Ordinal));
        foreach (var (name, space) in expected)
        {
            var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(1) });
            study.Optimize(BenchmarkFunctions.Objective(name, 3), nTrials: 3);
            foreach (var t in study.Trials)
            {
                Assert.Equal(TrialState.Complete, t.State);
                Assert.Equal(space.Keys.Order(StringComparer.Ordinal), t.Distributions.Keys.Order(StringComparer.Ordinal));
                foreach (var (param, dist) in space) Assert.True(dist.Equals(t.Distributions[param]), $"{name}.{param}: {t.Distributions[param]}, expected {dist}");
            }
        }
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Objective("sphere", 0));
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Hartmann6([0.5]));
    }

    [Fact]
    public void UnknownObjectiveListsAllNames()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Objective("ackley"));
        foreach (var name in BenchmarkFunctions.Names) Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MixedObjectivePassesTheSuggestedValuesThrough()
    {
        // Enqueued at the optimum, the objective must see exactly these values (bn = true, opt = adam) and return 0.
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(2) });
        study.EnqueueTrial(new Dictionary<string, object?>
        {
            ["lr"] = 1e-3, ["drop"] = 0.25, ["layers"] = 5, ["width"] = 64, ["opt"] = "adam", ["bn"] = true,
        });
        study.EnqueueTrial(new Dictionary<string, object?>
        {
            ["lr"] = 1e-2, ["drop"] = 0.0, ["layers"] = 9, ["width"] = 8, ["opt"] = "sgd", ["bn"] = false,
        });
        study.Optimize(BenchmarkFunctions.Objective("mixed"), nTrials: 2);
        Assert.Equal(0.0, study.Trials[0].Value!.Value, 12);
        Assert.Equal(14.0, study.Trials[1].Value!.Value, 12);
    }

    [Fact]
    public void TimedSamplerCountsTimeAndOverheadHasOneEntryPerTrial()
    {
        var timings = TuningBenchmark.MeasureOverhead(new TpeSampler(3), BenchmarkFunctions.Objective("sphere", 2), 30);
        Assert.Equal(30, timings.TrialMs.Length);
        Assert.All(timings.TrialMs, v => Assert.True(v > 0));
        Assert.All(timings.SamplerMs, v => Assert.True(v >= 0));
        // The sampler runs inside the trial, so its share can never exceed the trial's wall time.
        for (int i = 0; i < 30; i++) Assert.True(timings.SamplerMs[i] <= timings.TrialMs[i] + 1e-9);
        Assert.Equal(timings.TrialMs.Skip(20).Average(), timings.MeanTrialMs(10), 9);
        Assert.Equal(timings.TrialMs.Average(), timings.MeanTrialMs(100), 9);
    }

    [Fact]
    public void BestValuesIsReproduciblePerSeedAndMedianMatchesNumpy()
    {
        var a = TuningBenchmark.BestValues(s => new TpeSampler(s), BenchmarkFunctions.BraninObjective, 15, 3);
        var b = TuningBenchmark.BestValues(s => new TpeSampler(s), BenchmarkFunctions.BraninObjective, 15, 3);
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v >= BenchmarkFunctions.BraninMin - 1e-6));
        Assert.Equal(2.5, TuningBenchmark.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(3.0, TuningBenchmark.Median([5.0, 1.0, 3.0]));
        Assert.IsType<CmaEsSampler>(TuningBenchmark.CreateSampler("cmaes", 1));
        Assert.Throws<ArgumentException>(() => TuningBenchmark.CreateSampler("hyperopt", 1));
    }
}
