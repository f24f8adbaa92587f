using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>
/// Issue #18: workers sharing a study with one seed, and a study restarted after a kill, must draw new candidates
/// (each sampler's streams start at the first trial number it samples, <see cref="SamplerStreams"/>), while a seed
/// still reproduces the draws of a given sequence of trial numbers. Checked for every seeded sampler; the grid sampler
/// claims points through the storage (GridAndQmcSamplerTests) and QMC takes point n for trial n.
/// </summary>
public sealed class SamplerWorkerTests
{
    public static TheoryData<string> Samplers => ["random", "tpe", "gp", "nsga2", "cmaes", "qmc"];

    internal static ISampler Make(string name, long seed) => name switch
    {
        "random" => new RandomSampler(seed),
        "tpe" => new TpeSampler(new TpeOptions { Seed = seed }),
        "gp" => new GpSampler(new GpOptions { Seed = seed, NStartupTrials = 6 }),
        // A child may legitimately copy a parent (no crossover, no mutation), so NSGA-II is checked on its first
        // generation, the independent draws that every worker used to repeat.
        "nsga2" => new NsgaIISampler(new NsgaIIOptions { Seed = seed, PopulationSize = 20 }),
        "cmaes" => new CmaEsSampler(new CmaEsOptions { Seed = seed }),
        "qmc" => new QmcSampler(seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static double Objective(Trial t)
    {
        double x = t.SuggestFloat("x", -5, 5), y = t.SuggestFloat("y", -5, 5);
        return x * x + (y - 1) * (y - 1);
    }

    private static Study Worker(IStudyStorage storage, string sampler, long seed) =>
        Study.Create(new StudyOptions { StudyName = "shared", Storage = storage, LoadIfExists = true, Sampler = Make(sampler, seed) });

    private static List<(double X, double Y)> Points(IStudyStorage storage) =>
        storage.GetAllTrials(storage.FindStudyId("shared")!.Value).Select(t => ((double)t.Params["x"]!, (double)t.Params["y"]!)).ToList();

    // Four workers with the same seed take turns (trial numbers 0, 1, 2, 3, 4, …), as parallel processes do.
    private static List<(double X, double Y)> FourWorkers(string sampler, int rounds, long seed = 7)
    {
        var storage = new InMemoryStorage();
        var workers = Enumerable.Range(0, 4).Select(_ => Worker(storage, sampler, seed)).ToList();
        for (int r = 0; r < rounds; r++)
            foreach (var w in workers) w.Optimize(Objective, nTrials: 1);
        return Points(storage);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void FourWorkersWithOneSeedNeverDrawTheSameCandidate(string sampler)
    {
        var points = FourWorkers(sampler, rounds: 4);
        Assert.Equal(16, points.Count);
        Assert.Equal(points.Count, points.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void ARestartedStudyContinuesWithNewCandidates(string sampler)
    {
        var storage = new InMemoryStorage();
        Worker(storage, sampler, seed: 3).Optimize(Objective, nTrials: 5);
        // Killed and started again: a new sampler object with the same seed joins the stored study.
        Worker(storage, sampler, seed: 3).Optimize(Objective, nTrials: 5);
        var points = Points(storage);
        Assert.Equal(10, points.Count);
        Assert.Equal(points.Count, points.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void ASeedReproducesTheDrawsOfATrialNumberSequence(string sampler)
    {
        Assert.Equal(FourWorkers(sampler, rounds: 3), FourWorkers(sampler, rounds: 3));
        Assert.NotEqual(FourWorkers(sampler, rounds: 3), FourWorkers(sampler, rounds: 3, seed: 8));
    }

    [Fact]
    public void AFreshStudyKeepsTheSeedsOwnSequence()
    {
        // Anchoring at trial 0 is the seed itself: one worker on a fresh study draws what the seed always drew.
        Assert.Equal(7, TuningRandom.AnchorSeed(7, 0));
        Assert.NotEqual(TuningRandom.AnchorSeed(7, 1), TuningRandom.AnchorSeed(7, 2));
        Assert.NotEqual(TuningRandom.AnchorSeed(7, 1), TuningRandom.AnchorSeed(8, 1));
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(11) });
        study.Optimize(Objective, nTrials: 1);
        var expected = new TuningRandom(11);
        Assert.Equal(-5 + 10 * expected.NextDouble(), (double)study.Trials[0].Params["x"]!, 12);
    }
}
