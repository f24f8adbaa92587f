using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class GeneticAlgorithmTests
{
    private static GeneSpace Box(int dimensions, double low, double high) =>
        new(Enumerable.Range(0, dimensions).ToDictionary(i => "x" + i, _ => (Distribution)new FloatDistribution(low, high)));

    private static GeneticAlgorithm<double[]> Ga(GeneSpace space, long seed, GeneticAlgorithmOptions? options = null) =>
        new(new RealCodedOperators(space), (options ?? new GeneticAlgorithmOptions()) with { Seed = seed });

    [Fact]
    public void MinimizesTheSphereAndBeatsRandomSearchOnRastrigin()
    {
        var sphere = Ga(Box(5, -5, 5), 0).Minimize(x => BenchmarkFunctions.Sphere(x), 6000);
        Assert.True(sphere.Fitness < 1e-3, $"sphere best {sphere.Fitness}");

        var space = Box(5, -5.12, 5.12);
        var ga = Enumerable.Range(0, 5).Select(s => Ga(space, s).Minimize(x => BenchmarkFunctions.Rastrigin(x), 4000).Fitness).Order().ToArray();
        var random = Enumerable.Range(0, 5).Select(s =>
        {
            var rng = new TuningRandom(s);
            return Enumerable.Range(0, 4000).Min(_ => BenchmarkFunctions.Rastrigin(space.Random(rng)));
        }).Order().ToArray();
        Assert.True(ga[2] < random[2] / 4, $"GA median {ga[2]} vs random {random[2]}");
    }

    [Fact]
    public void ParallelEvaluationGivesTheSequentialRun()
    {
        // Evaluations finish in a scrambled order on several threads; children come from per-child streams and results
        // are reduced in index order, so the run is the sequential one (GeneticSharp's per-thread generators and DEAP's
        // global one fail exactly here).
        var space = Box(4, -5.12, 5.12);
        var sequential = Ga(space, 7);
        sequential.Minimize(x => BenchmarkFunctions.Rastrigin(x), 1500);
        var parallel = Ga(space, 7);
        parallel.Minimize(x =>
        {
            Thread.Sleep((int)(Math.Abs(x[0] * 1000) % 3));
            return BenchmarkFunctions.Rastrigin(x);
        }, 1500, maxParallelism: 4);
        Assert.Equal(sequential.Best!.Fitness, parallel.Best!.Fitness);
        Assert.Equal(sequential.Population.Select(p => p.Genome), parallel.Population.Select(p => p.Genome));
        var other = Ga(space, 8);
        other.Minimize(x => BenchmarkFunctions.Rastrigin(x), 1500);
        Assert.NotEqual(sequential.Population[0].Genome, other.Population[0].Genome);
    }

    [Fact]
    public void AskAndTellFollowTheirContract()
    {
        var ga = Ga(Box(2, 0, 1), 0, new GeneticAlgorithmOptions { PopulationSize = 4 });
        Assert.Throws<InvalidOperationException>(() => ga.Tell([1.0]));
        var batch = ga.Ask();
        Assert.Equal(4, batch.Count);
        Assert.Throws<InvalidOperationException>(() => ga.Ask());
        Assert.Throws<ArgumentException>(() => ga.Tell([1.0, 2.0]));
        ga.Tell([double.NaN, 3, 2, 1]);
        Assert.Equal(1, ga.Best!.Fitness);
        Assert.Equal(double.PositiveInfinity, ga.Population[^1].Fitness); // NaN is the worst
        Assert.Equal(2, ga.Ask(maxCount: 2).Count);
        Assert.Throws<ArgumentException>(() => new GeneticAlgorithm<double[]>(new RealCodedOperators(Box(1, 0, 1)), new GeneticAlgorithmOptions { PopulationSize = 1 }));
    }

    [Theory]
    [InlineData(GeneticSurvival.MuPlusLambda)]
    [InlineData(GeneticSurvival.Generational)]
    public void ElitismNeverLosesTheBest(GeneticSurvival survival)
    {
        var ga = Ga(Box(3, -5, 5), 1, new GeneticAlgorithmOptions { PopulationSize = 10, Survival = survival, EliteCount = 1 });
        double previous = double.PositiveInfinity;
        for (int g = 0; g < 30; g++)
        {
            var batch = ga.Ask();
            ga.Tell(batch.Select(x => BenchmarkFunctions.Rastrigin(x)).ToArray());
            Assert.Equal(10, ga.Population.Count);
            Assert.True(ga.Population[0].Fitness <= previous);
            Assert.Equal(ga.Best!.Fitness, ga.Population[0].Fitness);
            previous = ga.Population[0].Fitness;
        }
    }

    [Fact]
    public void EliminatesDuplicatesOnADiscreteSpace()
    {
        var space = new GeneSpace(new Dictionary<string, Distribution>
        {
            ["a"] = new IntDistribution(0, 3),
            ["b"] = new IntDistribution(0, 3),
            ["c"] = new CategoricalDistribution(["x", "y"]),
        });
        var ga = new GeneticAlgorithm<double[]>(new RealCodedOperators(space), new GeneticAlgorithmOptions { PopulationSize = 8, Seed = 3 });
        for (int g = 0; g < 6; g++)
        {
            var batch = ga.Ask();
            var all = batch.Concat(ga.Population.Select(p => p.Genome)).Select(x => string.Join(",", x)).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            foreach (var x in batch)
            {
                Assert.InRange(x[0], 0, 3);
                Assert.Equal(Math.Round(x[0]), x[0]);
                Assert.True(x[2] is 0 or 1);
            }
            ga.Tell(batch.Select(x => Math.Abs(x[0] - 2) + Math.Abs(x[1] - 1) + x[2]).ToArray());
        }
        Assert.Equal([2.0, 1.0, 0.0], ga.Best!.Genome);
    }

    [Fact]
    public void FindsTheBestSettingOfAMixedSpace()
    {
        var space = new GeneSpace(new Dictionary<string, Distribution>
        {
            ["lr"] = new FloatDistribution(1e-5, 1, log: true),
            ["drop"] = new FloatDistribution(0, 0.5, step: 0.125),
            ["layers"] = new IntDistribution(1, 9, step: 2),
            ["width"] = new IntDistribution(8, 512, log: true),
            ["opt"] = new CategoricalDistribution(["sgd", "adam", "rmsprop"]),
            ["bn"] = new CategoricalDistribution([true, false]),
        });
        var best = new GeneticAlgorithm<double[]>(new RealCodedOperators(space), new GeneticAlgorithmOptions { PopulationSize = 30, Seed = 0 })
            .Minimize(x =>
            {
                var p = space.ToExternal(x);
                return BenchmarkFunctions.Mixed((double)p["lr"]!, (double)p["drop"]!, Convert.ToInt32(p["layers"]),
                    Convert.ToInt32(p["width"]), (string)p["opt"]!, (bool)p["bn"]!);
            }, 3000);
        Assert.True(best.Fitness < 0.3, $"best {best.Fitness}");
        Assert.Equal("adam", space.ToExternal(best.Genome)["opt"]);
    }

    [Fact]
    public void SolvesASmallTravellingSalesmanTourWithPermutationOperators()
    {
        // Twelve cities on a circle: the shortest tour visits them in angular order (length = the polygon's perimeter).
        const int N = 12;
        var x = Enumerable.Range(0, N).Select(i => Math.Cos(2 * Math.PI * i / N)).ToArray();
        var y = Enumerable.Range(0, N).Select(i => Math.Sin(2 * Math.PI * i / N)).ToArray();
        double Length(int[] tour) => Enumerable.Range(0, N).Sum(i =>
        {
            int a = tour[i], b = tour[(i + 1) % N];
            return Math.Sqrt((x[a] - x[b]) * (x[a] - x[b]) + (y[a] - y[b]) * (y[a] - y[b]));
        });
        double optimum = N * 2 * Math.Sin(Math.PI / N);
        foreach (var mutation in new[] { PermutationMutation.Inversion, PermutationMutation.Swap })
        {
            var ga = new GeneticAlgorithm<int[]>(new PermutationOperators(N, mutation), new GeneticAlgorithmOptions { PopulationSize = 60, Seed = 1 });
            var best = ga.Minimize(Length, 20000);
            Assert.Equal(Enumerable.Range(0, N), best.Genome.Order());
            Assert.True(best.Fitness < optimum * 1.05, $"{mutation}: {best.Fitness} vs optimum {optimum}");
        }
    }
}
