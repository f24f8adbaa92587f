using Descent.Benchmarks;
using Descent.Tuning;

namespace Descent.Tests.Benchmarks;

/// <summary>The measurements behind <c>descent bench blackbox</c>.</summary>
public class BlackBoxBenchmarkTests
{
    [Fact]
    public void EveryMethodRunsOnTheProblemsItSupports()
    {
        foreach (var problem in new[] { "rastrigin10", "zdt1" }.Select(BlackBoxBenchmark.Problem))
            foreach (var method in BlackBoxBenchmark.Methods.Where(m => BlackBoxBenchmark.Supports(m, problem)))
            {
                var run = BlackBoxBenchmark.Run(method, problem, evaluations: 150, seed: 1);
                if (problem.IsMultiObjective)
                {
                    Assert.InRange(run.Best, 0, 121);
                    Assert.True(run.Igd > 0);
                }
                else
                {
                    Assert.InRange(run.Best, 0, 400);
                    Assert.Null(run.Igd);
                }
                Assert.Equal(run, BlackBoxBenchmark.Run(method, problem, 150, 1L));
            }
        Assert.False(BlackBoxBenchmark.Supports("ga", BlackBoxBenchmark.Problem("zdt2")));
        Assert.False(BlackBoxBenchmark.Supports("nsga2", BlackBoxBenchmark.Problem("griewank10")));
        Assert.Throws<ArgumentException>(() => BlackBoxBenchmark.Run("nsga2", BlackBoxBenchmark.Problem("ackley10"), 10, 0L));
        var e = Assert.Throws<ArgumentException>(() => BlackBoxBenchmark.Problem("sphere"));
        Assert.Contains("rastrigin10, ackley10", e.Message);
    }

    [Fact]
    public void TheProblemsAreDeapsFunctionsWithTheirOptima()
    {
        Assert.Equal(0, BlackBoxBenchmark.Problem("rastrigin10").Evaluate(new double[10])[0], 12);
        Assert.Equal(0, BlackBoxBenchmark.Problem("ackley10").Evaluate(new double[10])[0], 12);
        Assert.Equal(0, BlackBoxBenchmark.Problem("rosenbrock10").Evaluate(Enumerable.Repeat(1.0, 10).ToArray())[0], 12);
        Assert.Equal(0, BlackBoxBenchmark.Problem("griewank10").Evaluate(new double[10])[0], 12);
        Assert.True(BlackBoxBenchmark.Problem("schwefel10").Evaluate(Enumerable.Repeat(420.9687, 10).ToArray())[0] < 1e-6);
        var dtlz2 = BlackBoxBenchmark.Problem("dtlz2");
        Assert.Equal(3, dtlz2.Reference!.Length);
        Assert.Equal(3, dtlz2.Evaluate(Enumerable.Repeat(0.5, 12).ToArray()).Length);
    }

    [Fact]
    public void GeneticOverheadIsMeasuredOutsideTheObjective()
    {
        var o = BlackBoxBenchmark.MeasureGeneticOverhead(BlackBoxBenchmark.Problem("rastrigin10"), population: 8, generations: 3, repeat: 1);
        Assert.True(o.EngineMs > 0 && o.SamplerMs > 0 && o.StudyMs >= o.SamplerMs, $"{o}");
        Assert.Throws<ArgumentException>(() => BlackBoxBenchmark.MeasureGeneticOverhead(BlackBoxBenchmark.Problem("zdt1"), 8, 3));
        Assert.Equal(2.5, BlackBoxBenchmark.Median([3, 1, 2, 4]));
    }
}
