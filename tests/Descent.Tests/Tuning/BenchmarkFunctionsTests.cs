using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class BenchmarkFunctionsTests
{
    [Fact]
    public void KnownMinimaAreReached()
    {
        // Minimizers from the Virtual Library of Simulation Experiments (Surjanovic & Bingham).
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(-Math.PI, 12.275), 5);
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(Math.PI, 2.275), 5);
        Assert.Equal(BenchmarkFunctions.BraninMin, BenchmarkFunctions.Branin(9.42478, 2.475), 5);
        double[] h = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
        Assert.Equal(BenchmarkFunctions.Hartmann6Min, BenchmarkFunctions.Hartmann6(h), 4);
        Assert.Equal(0.0, BenchmarkFunctions.Rosenbrock(Enumerable.Repeat(1.0, 10).ToArray()));
        Assert.Equal(14.0, BenchmarkFunctions.Sphere([1.0, 2.0, 3.0]));
        Assert.Equal(101.0, BenchmarkFunctions.Rosenbrock([0.0, 1.0]));
    }

    [Fact]
    public void ObjectivesSuggestNamedBoxes()
    {
        foreach (var (name, dims) in new[] { ("sphere", 3), ("branin", 2), ("hartmann6", 6), ("rosenbrock10", 10) })
        {
            var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(1) });
            study.Optimize(BenchmarkFunctions.Objective(name, 3), nTrials: 3);
            var t = study.Trials[0];
            Assert.Equal(dims, t.Params.Count);
            Assert.Equal(Enumerable.Range(0, dims).Select(i => "x" + i), t.Params.Keys.Order(StringComparer.Ordinal));
        }
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Objective("ackley"));
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Objective("sphere", 0));
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.Hartmann6([0.5]));
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
