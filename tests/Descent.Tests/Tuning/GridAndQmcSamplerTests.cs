using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class GridAndQmcSamplerTests
{
    private static readonly Dictionary<string, IReadOnlyList<object?>> Space = new()
    {
        ["x"] = [-1.0, 0.0, 1.0],
        ["opt"] = ["adam", "sgd", null, true],
    };

    private static double Objective(Trial t)
    {
        double x = t.SuggestFloat("x", -1, 1);
        object? opt = t.SuggestCategorical<object?>("opt", "adam", "sgd", null, true);
        return x * x + (opt is "adam" ? 0 : 1);
    }

    private static void AssertCoversGridOnce(Study study)
    {
        var points = study.Trials.Where(t => t.State == TrialState.Complete)
            .Select(t => AttrValues.Format(t.Params["x"]) + "|" + AttrValues.Format(t.Params["opt"])).ToList();
        Assert.Equal(12, points.Count);
        Assert.Equal(12, points.Distinct().Count());
        var expected = Space["x"].SelectMany(x => Space["opt"].Select(o => AttrValues.Format(x) + "|" + AttrValues.Format(o)));
        Assert.Equal(expected.Order(), points.Order());
    }

    [Fact]
    public void GridCoversEveryPointOnceThenStops()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space, seed: 1) });
        study.Optimize(Objective, nTrials: 100);
        Assert.Equal(12, study.Trials.Count);
        AssertCoversGridOnce(study);
        Assert.Equal(0.0, study.BestValue);
    }

    [Fact]
    public void GridWithTwoJobsHasNoDuplicates()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space, seed: 2) });
        study.Optimize(t => { Thread.Sleep(1); return Objective(t); }, nTrials: 100, nJobs: 2);
        Assert.Equal(12, study.Trials.Count);
        AssertCoversGridOnce(study);
    }

    [Fact]
    public async Task GridWorkersSharingAStorageHaveNoDuplicates()
    {
        // Two "processes": separate Study objects and samplers over one storage, racing.
        var storage = new InMemoryStorage();
        Study.Create(new StudyOptions { StudyName = "grid", Storage = storage });
        var workers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            Study.Load("grid", storage, new GridSampler(Space, seed: 3)).Optimize(t => { Thread.Sleep(1); return Objective(t); }, nTrials: 50))).ToArray();
        await Task.WhenAll(workers);
        var study = Study.Load("grid", storage);
        AssertCoversGridOnce(study);
        // A worker that found every point claimed fails its trial instead of re-evaluating one.
        Assert.All(study.Trials.Where(t => t.State != TrialState.Complete), t =>
            Assert.Contains("grid points is claimed", (string)t.SystemAttrs[Study.FailReasonKey]!));
    }

    [Fact]
    public void GridClaimsFreePointsAfterEnqueuedTrials()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space, seed: 4) });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.5, ["opt"] = "adam" });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = -0.5, ["opt"] = "sgd" });
        study.Optimize(Objective, nTrials: 100);
        Assert.Equal(14, study.Trials.Count); // 2 enqueued + the 12 grid points
        var gridTrials = study.Trials.Where(t => t.SystemAttrs.ContainsKey(GridSampler.GridIdKey)).ToList();
        Assert.Equal(12, gridTrials.Select(t => (long)t.SystemAttrs[GridSampler.GridIdKey]!).Distinct().Count());
    }

    [Fact]
    public void GridOrderDependsOnTheSeed()
    {
        static string Order(long seed)
        {
            var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space, seed) });
            study.Optimize(Objective, nTrials: 12);
            return string.Join(";", study.Trials.Select(t => AttrValues.Format(t.Params["x"]) + AttrValues.Format(t.Params["opt"])));
        }
        Assert.Equal(Order(5), Order(5));
        Assert.NotEqual(Order(5), Order(6));
    }

    [Fact]
    public void GridRejectsParametersItDoesNotKnow()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space) });
        var t = study.Ask();
        var e = Assert.Throws<ArgumentException>(() => t.SuggestFloat("lr", 0, 1));
        Assert.StartsWith("lr: not a parameter of the grid", e.Message);
        var other = Study.Create(new StudyOptions { Sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["opt"] = [null, true] }) });
        var t2 = other.Ask();
        var e2 = Assert.Throws<ArgumentException>(() => t2.SuggestCategorical("opt", "adam", "sgd"));
        Assert.StartsWith("opt: grid value", e2.Message);
        Assert.Throws<ArgumentException>(() => new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [] }));
    }

    [Fact]
    public void QmcFollowsTheScrambledSobolSequence()
    {
        var study = Study.Create(new StudyOptions { Sampler = new QmcSampler(seed: 9) });
        study.Optimize(t => t.SuggestFloat("a", -2, 2) + t.SuggestFloat("b", 1, 100, log: true), nTrials: 17);
        var sobol = new SobolSequence(2, scramble: true, seed: 9);
        foreach (var t in study.Trials.Skip(1)) // trial 0 has no history: sampled independently
        {
            var u = sobol.Point(t.Number);
            Assert.Equal(-2 + 4 * u[0], (double)t.Params["a"]!, 12);
            Assert.Equal(Math.Exp(Math.Log(100) * u[1]), (double)t.Params["b"]!, 10);
        }
    }

    [Fact]
    public void QmcStratifiesDiscreteParameters()
    {
        // Over an aligned block of 2^4 Sobol points every one of 4 integers and 4 choices appears 4 times.
        var ints = new IntDistribution(0, 3);
        var cats = new CategoricalDistribution(["a", "b", "c", "d"]);
        var sobol = new SobolSequence(2, scramble: true, seed: 1);
        var intCounts = new int[4];
        var catCounts = new int[4];
        for (int i = 16; i < 32; i++)
        {
            var u = sobol.Point(i);
            intCounts[(int)QmcSampler.FromUnit(ints, u[0])]++;
            catCounts[(int)QmcSampler.FromUnit(cats, u[1])]++;
        }
        Assert.All(intCounts, c => Assert.Equal(4, c));
        Assert.All(catCounts, c => Assert.Equal(4, c));
        Assert.Equal(0.5, QmcSampler.FromUnit(new FloatDistribution(0, 1, step: 0.25), 0.5));
        Assert.Equal(1.0, QmcSampler.FromUnit(new FloatDistribution(0, 1, step: 0.25), 0.99));
    }

    [Fact]
    public void SamplersAreReproducibleForASeed()
    {
        static string Run(ISampler sampler)
        {
            var study = Study.Create(new StudyOptions { Sampler = sampler });
            study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestInt("k", 1, 9) + (t.SuggestCategorical("c", "u", "v") == "u" ? 1 : 0), nTrials: 25);
            return string.Join(";", study.Trials.Select(t => string.Join(",", t.Params.Values.Select(AttrValues.Format))));
        }
        Assert.Equal(Run(new RandomSampler(3)), Run(new RandomSampler(3)));
        Assert.NotEqual(Run(new RandomSampler(3)), Run(new RandomSampler(4)));
        Assert.Equal(Run(new QmcSampler(3)), Run(new QmcSampler(3)));
        Assert.Equal(Run(new TpeSampler(new TpeOptions { Seed = 3, Multivariate = true, Group = true })), Run(new TpeSampler(new TpeOptions { Seed = 3, Multivariate = true, Group = true })));
    }

    [Fact]
    public void RandomSamplerRespectsEveryDistribution()
    {
        var rng = new TuningRandom(1);
        var logInt = new IntDistribution(1, 1000, log: true);
        int small = 0;
        for (int i = 0; i < 2000; i++)
        {
            Assert.True(new FloatDistribution(0.5, 2, step: 0.5).Contains(RandomSampler.Sample(rng, new FloatDistribution(0.5, 2, step: 0.5))));
            Assert.True(new IntDistribution(-3, 9, step: 3).Contains(RandomSampler.Sample(rng, new IntDistribution(-3, 9, step: 3))));
            double v = RandomSampler.Sample(rng, logInt);
            Assert.True(logInt.Contains(v));
            if (v <= 10) small++;
            double f = RandomSampler.Sample(rng, new FloatDistribution(1e-6, 1, log: true));
            Assert.InRange(f, 1e-6, 1);
        }
        // Log-uniform on [0.5, 1000.5]: P(v ≤ 10) = log(10.5/0.5)/log(1000.5/0.5) ≈ 0.40.
        Assert.InRange(small / 2000.0, 0.35, 0.45);
    }
}
