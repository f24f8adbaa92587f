using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class NsgaIISamplerTests
{
    private static readonly StudyDirection[] TwoMin = [StudyDirection.Minimize, StudyDirection.Minimize];

    // ZDT1 (Zitzler, Deb & Thiele 2000) with 10 variables; Pareto front f2 = 1 − √f1 at y = 0.
    private static double[] Zdt1(Trial t)
    {
        double x = t.SuggestFloat("x", 0, 1);
        double g = 1 + 9 * Enumerable.Range(0, 9).Average(i => t.SuggestFloat("y" + i, 0, 1));
        return [x, g * (1 - Math.Sqrt(x / g))];
    }

    // Hypervolume of the front against the reference point (1.1, 11).
    private static double Hypervolume(Study study) =>
        Indicators.Hypervolume(study.BestTrials.Select(t => t.Values!).ToList(), [1.1, 11]);

    private static Study RunZdt1(ISampler sampler, int trials)
    {
        var study = Study.Create(new StudyOptions { Directions = TwoMin, Sampler = sampler });
        study.Optimize(Zdt1, nTrials: trials);
        return study;
    }

    [Fact]
    public void ImprovesHypervolumeOverRandomOnZdt1AndKeepsTheParetoFront()
    {
        const int Trials = 200, Population = 20;
        var nsga = new double[3];
        var sbx = new double[3];
        var random = new double[3];
        for (int s = 0; s < 3; s++)
        {
            var study = RunZdt1(new NsgaIISampler(new NsgaIIOptions { Seed = s, PopulationSize = Population }), Trials);
            nsga[s] = Hypervolume(study);
            sbx[s] = Hypervolume(RunZdt1(new NsgaIISampler(new NsgaIIOptions { Seed = s, PopulationSize = Population, Crossover = NsgaCrossover.Sbx }), Trials));
            random[s] = Hypervolume(RunZdt1(new RandomSampler(s), Trials));
            if (s == 0) AssertElitism(study, Population);
        }
        Array.Sort(nsga); Array.Sort(sbx); Array.Sort(random);
        Assert.True(nsga[1] > random[1] + 0.3, $"NSGA-II hypervolume {nsga[1]} vs random {random[1]}");
        Assert.True(sbx[1] > random[1] + 0.3, $"NSGA-II (SBX) hypervolume {sbx[1]} vs random {random[1]}");
    }

    // Elitism: the parents of the last settled generation contain every trial of the settled generations
    // that no other such trial dominates (when that front fits in the population).
    private static void AssertElitism(Study study, int population)
    {
        var settled = study.SystemAttrs.Keys.Where(k => k.StartsWith(NsgaIISampler.PopulationCachePrefix, StringComparison.Ordinal))
            .Select(k => int.Parse(k[NsgaIISampler.PopulationCachePrefix.Length..])).Max();
        Assert.True(settled >= 5, $"only {settled + 1} generations settled");
        var parents = ((IReadOnlyList<object?>)study.SystemAttrs[NsgaIISampler.PopulationCachePrefix + settled]!).Select(n => (int)(long)n!).ToHashSet();
        Assert.Equal(population, parents.Count);
        var pool = study.GetTrials(TrialState.Complete).Where(t => (long)t.SystemAttrs[NsgaIISampler.GenerationKey]! <= settled).ToList();
        var front = ParetoFront.Of(pool, study.Directions);
        Assert.True(front.Count <= population);
        Assert.All(front, t => Assert.Contains(t.Number, parents));
        // Every trial carries a generation, and generation g + 1 starts only after g has a full population.
        Assert.All(study.Trials, t => Assert.True(t.SystemAttrs.ContainsKey(NsgaIISampler.GenerationKey)));
        var byGeneration = study.Trials.GroupBy(t => (long)t.SystemAttrs[NsgaIISampler.GenerationKey]!).OrderBy(g => g.Key).ToList();
        Assert.Equal(Enumerable.Range(0, byGeneration.Count).Select(i => (long)i), byGeneration.Select(g => g.Key));
        Assert.All(byGeneration.SkipLast(1), g => Assert.Equal(population, g.Count()));
    }

    [Fact]
    public void CrowdingDistanceAndConstrainedRanksMatchHandComputation()
    {
        // Front (0,4), (1,2), (2,1), (4,0): extremes ∞; (1,2): (2−0)/4 + (4−1)/4 = 1.25; (2,1): (4−1)/4 + (2−0)/4 = 1.25.
        var d = NsgaSelection.CrowdingDistance([[0, 4], [1, 2], [2, 1], [4, 0]]);
        Assert.Equal([double.PositiveInfinity, 1.25, 1.25, double.PositiveInfinity], d);
        // A flat objective contributes nothing: only the first one spreads the points ((2 − 0)/2 = 1).
        Assert.Equal([double.PositiveInfinity, 1.0, double.PositiveInfinity], NsgaSelection.CrowdingDistance([[0, 3], [1, 3], [2, 3]]));

        FrozenTrial T(int number, double a, double b, params double[] constraints) => new()
        {
            Number = number, State = TrialState.Complete, Values = [a, b],
            SystemAttrs = constraints.Length == 0 ? new Dictionary<string, object?>() : new Dictionary<string, object?> { [NsgaSelection.ConstraintsKey] = constraints },
        };
        var trials = new[] { T(0, 1, 1, -1), T(1, 0, 0, 2), T(2, 2, 2, 0), T(3, 5, 5, 0.5, 0.5), T(4, 3, 0, -2), T(5, 0, 9) };
        // Feasible: #0 (1,1), #2 (2,2), #4 (3,0) → fronts {0, 4}, {2}; infeasible by violation: #3 (1.0), #1 (2.0), #5 (no values: ∞).
        Assert.Equal([0, 3, 1, 2, 0, 4], NsgaSelection.Ranks(trials, TwoMin, constrained: true));
        // Unconstrained: (0,0) alone first; then (1,1), (3,0), (0,9); then (2,2); then (5,5).
        Assert.Equal([1, 0, 2, 3, 1, 1], NsgaSelection.Ranks(trials, TwoMin, constrained: false));
        Assert.True(NsgaSelection.Dominates(trials[2], trials[1], TwoMin, constrained: true));   // feasible beats infeasible
        Assert.False(NsgaSelection.Dominates(trials[2], trials[1], TwoMin, constrained: false));
        // Elite of 3: #1, then the two extremes of the second front (crowding ∞) over (1,1) (crowding 2).
        Assert.Equal([1, 4, 5], NsgaSelection.SelectElite(trials, 3, TwoMin, constrained: false).Select(t => t.Number).Order());
    }

    [Fact]
    public void SameSeedSameSequence()
    {
        static string[] Run(long seed)
        {
            var study = Study.Create(new StudyOptions { Directions = TwoMin, Sampler = new NsgaIISampler(new NsgaIIOptions { Seed = seed, PopulationSize = 8 }) });
            study.Optimize(t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                int k = t.SuggestInt("k", 1, 32, log: true);
                string c = t.SuggestCategorical("c", "a", "b", "c");
                return new[] { x + k / 32.0 + (c == "a" ? 0 : 0.5), 1 - x + (c == "b" ? 0 : 0.5) };
            }, nTrials: 40);
            return study.Trials.Select(t => string.Join(",", t.Params.OrderBy(kv => kv.Key).Select(kv => kv.Value))).ToArray();
        }
        var a = Run(1);
        Assert.Equal(a, Run(1));
        Assert.NotEqual(a, Run(2));
    }

    [Fact]
    public void ConstraintsSteerTheSearchToFeasibleTrials()
    {
        // Minimize (x, 1 − x) subject to x ≥ 0.7 (constraint 0.7 − x ≤ 0).
        var sampler = new NsgaIISampler(new NsgaIIOptions { Seed = 4, PopulationSize = 10, ConstraintsFunc = t => [0.7 - (double)t.Params["x"]!] });
        var study = Study.Create(new StudyOptions { Directions = TwoMin, Sampler = sampler });
        study.Optimize(t => { double x = t.SuggestFloat("x", 0, 1); return new[] { x, 1 - x + t.SuggestFloat("y", 0, 1) }; }, nTrials: 100);
        Assert.All(study.GetTrials(TrialState.Complete), t => Assert.True(t.SystemAttrs.ContainsKey(NsgaSelection.ConstraintsKey)));
        static double FeasibleShare(IEnumerable<FrozenTrial> ts) => ts.Average(t => (double)t.Params["x"]! >= 0.7 ? 1.0 : 0.0);
        double early = FeasibleShare(study.Trials.Take(10)), late = FeasibleShare(study.Trials.Skip(60));
        Assert.True(late > 0.6 && late > early, $"feasible share: first generation {early}, last 40 trials {late}");
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new NsgaIISampler(new NsgaIIOptions { PopulationSize = 1 }));
        Assert.Throws<ArgumentException>(() => new NsgaIISampler(new NsgaIIOptions { MutationProb = 1.5 }));
        Assert.Throws<ArgumentException>(() => new NsgaIISampler(new NsgaIIOptions { CrossoverProb = -0.1 }));
    }
}
