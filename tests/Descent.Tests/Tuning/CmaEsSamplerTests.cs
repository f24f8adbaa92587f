using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class CmaEsSamplerTests
{
    private const int Seeds = 5;

    [Fact]
    public void DefaultStrategyParametersFollowHansensTable1()
    {
        // n = 10: λ = 4 + ⌊3 ln 10⌋ = 10, μ = 5; the positive weights sum to 1 and decrease, the negative
        // ones sum to −min(α_μ⁻, α_μeff⁻, α_posdef⁻) (eq. 53).
        Assert.Equal(10, CmaEsSampler.DefaultPopulationSize(10));
        Assert.Equal(6, CmaEsSampler.DefaultPopulationSize(2));
        var es = new CmaEvolutionStrategy(new double[10], 0.3, 10);
        Assert.Equal(5, es.Mu);
        var w = es.Weights;
        Assert.Equal(1.0, w.Take(5).Sum(), 12);
        for (int i = 1; i < w.Count; i++) Assert.True(w[i] < w[i - 1]);
        Assert.All(w.Skip(5), v => Assert.True(v < 0));
    }

    [Fact]
    public void StrategyConvergesOnASphereInsideTheBox()
    {
        var es = new CmaEvolutionStrategy([0.8, 0.8, 0.8], 1.0 / 6, 7);
        var rng = new TuningRandom(1);
        static double F(double[] x) => Math.Pow(x[0] - 0.3, 2) + Math.Pow(x[1] - 0.5, 2) + Math.Pow(x[2] - 0.2, 2);
        for (int g = 0; g < 120; g++)
        {
            var pop = Enumerable.Range(0, 7).Select(_ => es.Ask(rng)).ToList();
            Assert.All(pop, x => Assert.All(x, v => Assert.InRange(v, 0, 1)));
            es.Tell(pop.Select(x => (x, F(x))).ToList());
        }
        Assert.True(F(es.Mean) < 1e-10, $"f(mean) = {F(es.Mean)}");
        Assert.True(es.Sigma < 1e-3, $"sigma = {es.Sigma}");
        // A state survives the JSON-shaped round trip (as a storage normalizes it) exactly.
        var back = CmaEvolutionStrategy.FromAttr((IReadOnlyDictionary<string, object?>)AttrValues.Normalize(es.ToAttr("s"))!)!;
        Assert.Equal(es.Mean, back.Mean);
        Assert.Equal(es.C, back.C);
        Assert.Equal(es.Generation, back.Generation);
        Assert.Equal(es.Ask(new TuningRandom(5)), back.Ask(new TuningRandom(5)));
        // Converged: the best/worst history flattens below TolFun and the run asks to stop (for IPOP).
        int generations = 0;
        while (!es.ShouldStop() && generations++ < 2000)
        {
            var pop = Enumerable.Range(0, 7).Select(_ => es.Ask(rng)).ToList();
            es.Tell(pop.Select(x => (x, F(x))).ToList());
        }
        Assert.True(es.ShouldStop(), $"still running after {generations} more generations, sigma {es.Sigma}");
        Assert.True(es.FunHistory.Max() - es.FunHistory.Min() < 1e-12 || es.Sigma < 1e-10);
    }

    [Fact]
    public void BraninReachesTheOptimumRegionAndBeatsRandom()
    {
        var cma = TestFunctions.BestValues(s => new CmaEsSampler(s), TestFunctions.BraninObjective, 100, Seeds);
        var random = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.BraninObjective, 100, Seeds);
        Assert.True(TestFunctions.Median(cma) < TestFunctions.BraninMin + 0.1, $"CMA-ES median {TestFunctions.Median(cma)}");
        Assert.True(TestFunctions.Median(cma) < TestFunctions.Median(random), $"CMA-ES {TestFunctions.Median(cma)} vs random {TestFunctions.Median(random)}");
    }

    [Fact]
    public void Hartmann6AndRosenbrock10BeatRandom()
    {
        var cmaH = TestFunctions.BestValues(s => new CmaEsSampler(s), TestFunctions.Hartmann6Objective, 100, Seeds);
        var randomH = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.Hartmann6Objective, 100, Seeds);
        Assert.True(TestFunctions.Median(cmaH) < -2.5, $"CMA-ES Hartmann-6 median {TestFunctions.Median(cmaH)}");
        Assert.True(TestFunctions.Median(cmaH) < TestFunctions.Median(randomH), $"CMA-ES {TestFunctions.Median(cmaH)} vs random {TestFunctions.Median(randomH)}");

        var cmaR = TestFunctions.BestValues(s => new CmaEsSampler(s), TestFunctions.Rosenbrock10Objective, 200, Seeds);
        var randomR = TestFunctions.BestValues(s => new RandomSampler(s), TestFunctions.Rosenbrock10Objective, 200, Seeds);
        Assert.True(TestFunctions.Median(cmaR) < TestFunctions.Median(randomR) / 20, $"CMA-ES Rosenbrock-10 {TestFunctions.Median(cmaR)} vs random {TestFunctions.Median(randomR)}");
    }

    private static double MixedObjective(Trial t)
    {
        double lr = t.SuggestFloat("lr", 1e-4, 1, log: true);
        int width = t.SuggestInt("width", 8, 256, log: true);
        int layers = t.SuggestInt("layers", 1, 7, step: 2);
        string opt = t.SuggestCategorical("opt", "sgd", "adam");
        Assert.InRange(lr, 1e-4, 1);
        Assert.InRange(width, 8, 256);
        Assert.True(layers % 2 == 1);
        return Math.Pow(Math.Log10(lr) + 2, 2) + Math.Abs(Math.Log2(width) - 6) + Math.Abs(layers - 3) + (opt == "adam" ? 0 : 1);
    }

    private static string[] Signature(Study study) =>
        study.Trials.Select(t => string.Join(",", t.Params.OrderBy(kv => kv.Key).Select(kv => kv.Value))).ToArray();

    [Fact]
    public void SameSeedSameSequenceAndCategoricalsAreSampledIndependently()
    {
        string[] Run(long seed)
        {
            var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed) });
            study.Optimize(MixedObjective, nTrials: 40);
            // The categorical is not part of the CMA-ES space; the three numeric parameters are.
            Assert.All(study.Trials.Skip(1), t => Assert.Equal(0L, t.SystemAttrs[CmaEsSampler.RestartKey]));
            Assert.True(study.Trials.Max(t => t.SystemAttrs.TryGetValue(CmaEsSampler.GenerationKey, out var g) ? (long)g! : -1) >= 4);
            return Signature(study);
        }
        var a = Run(5);
        Assert.Equal(a, Run(5));
        Assert.NotEqual(a, Run(6));
    }

    [Fact]
    public void WorkersSharingAStorageContinueOneRun()
    {
        // Two samplers (same seed) alternate trials on one storage: the strategy state lives in the
        // storage, so the sequence equals that of a single worker.
        // The objective ignores the categorical, which each worker samples from its own stream.
        static double Numeric(Trial t) => MixedObjective(t) - (t.Params["opt"] as string == "adam" ? 0 : 1);
        var single = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(9) });
        single.Optimize(Numeric, nTrials: 50);

        var storage = new InMemoryStorage();
        var a = Study.Create(new StudyOptions { StudyName = "shared", Storage = storage, Sampler = new CmaEsSampler(9) });
        var b = Study.Load("shared", storage, new CmaEsSampler(9));
        for (int i = 0; i < 50; i++) (i % 2 == 0 ? a : b).Optimize(Numeric, nTrials: 1);
        Assert.Equal(Signature(single).Select(s => s.Split(',')).Select(p => p[0] + p[1] + p[3]), Signature(a).Select(s => s.Split(',')).Select(p => p[0] + p[1] + p[3]));
        // Both workers performed generation updates (λ = 7: updates at trials 8, 15, 22, …).
        Assert.Contains(a.Trials, t => t.Number % 2 == 0 && t.SystemAttrs.ContainsKey(CmaEsSampler.StateKey) && t.Number > 1);
        Assert.Contains(a.Trials, t => t.Number % 2 == 1 && t.SystemAttrs.ContainsKey(CmaEsSampler.StateKey) && t.Number > 1);
    }

    [Fact]
    public void IpopRestartsAConvergedRunWithADoubledPopulation()
    {
        // A flat objective: the best/worst history range is 0 < TolFun once the history is full
        // (20 generations for n = 2, λ = 6), so the run stops and IPOP restarts with λ = 12.
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(3) });
        study.Optimize(t => t.SuggestFloat("x", -1, 1) * 0 + t.SuggestFloat("y", -1, 1) * 0 + 1, nTrials: 180);
        var tagged = study.Trials.Where(t => t.SystemAttrs.ContainsKey(CmaEsSampler.RestartKey)).ToList();
        var firstRun = tagged.Where(t => (long)t.SystemAttrs[CmaEsSampler.RestartKey]! == 0).ToList();
        var secondRun = tagged.Where(t => (long)t.SystemAttrs[CmaEsSampler.RestartKey]! == 1).ToList();
        Assert.Equal(21 * 6, firstRun.Count);
        Assert.NotEmpty(secondRun);
        Assert.Equal(12, secondRun.Count(t => (long)t.SystemAttrs[CmaEsSampler.GenerationKey]! == 0));
        var state = (IReadOnlyDictionary<string, object?>)study.Trials.Last(t => t.SystemAttrs.ContainsKey(CmaEsSampler.StateKey)).SystemAttrs[CmaEsSampler.StateKey]!;
        Assert.Equal(12L, state["popsize"]);

        // Without a restart strategy the first run goes on.
        var none = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(new CmaEsOptions { Seed = 3, RestartStrategy = CmaRestartStrategy.None }) });
        none.Optimize(t => t.SuggestFloat("x", -1, 1) * 0 + 1, nTrials: 180);
        Assert.All(none.Trials.Skip(1), t => Assert.Equal(0L, t.SystemAttrs[CmaEsSampler.RestartKey]));
    }

    [Fact]
    public void MaximizationAndX0AreHonoured()
    {
        var study = Study.Create(new StudyOptions
        {
            Direction = StudyDirection.Maximize,
            Sampler = new CmaEsSampler(new CmaEsOptions { Seed = 2, X0 = new Dictionary<string, object?> { ["x"] = 4.0 }, Sigma0 = 0.05 }),
        });
        study.Optimize(t => -Math.Pow(t.SuggestFloat("x", 0, 10) - 3, 2) - Math.Pow(t.SuggestFloat("z", 0, 10) - 6, 2), nTrials: 120);
        // The first CMA-ES generation is drawn tightly around x0 = 4 (σ₀ = 0.05 of the range).
        var first = study.Trials.Where(t => t.SystemAttrs.TryGetValue(CmaEsSampler.GenerationKey, out var g) && (long)g! == 0).ToList();
        Assert.All(first, t => Assert.InRange((double)t.Params["x"]!, 2, 6));
        Assert.True(study.BestValue > -1e-3, $"best {study.BestValue}");
    }

    [Fact]
    public void InvalidOptionsAndMultiObjectiveAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new CmaEsSampler(new CmaEsOptions { PopulationSize = 1 }));
        Assert.Throws<ArgumentException>(() => new CmaEsSampler(new CmaEsOptions { Sigma0 = 0 }));
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize], Sampler = new CmaEsSampler(0) });
        study.Optimize(t => new[] { t.SuggestFloat("x", 0, 1), 0.0 }, nTrials: 1);
        Assert.Throws<InvalidOperationException>(() => study.Ask().SuggestFloat("x", 0, 1));
    }
}
