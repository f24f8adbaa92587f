using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class AnnealingSamplerTests
{
    private static double Rosenbrock3(Trial t) => BenchmarkFunctions.Rosenbrock(Enumerable.Range(0, 3).Select(i => t.SuggestFloat("x" + i, -2, 2)).ToArray());

    private static GeneSpace Space() => new(Enumerable.Range(0, 3).ToDictionary(i => "x" + i, _ => (Distribution)new FloatDistribution(-2, 2)));

    private static double[] Genome(FrozenTrial t) => Enumerable.Range(0, 3).Select(i => t.InternalParams["x" + i]).ToArray();

    [Fact]
    public void OneWorkerRunsTheAskTellOptimizerFromTheFirstTrial()
    {
        var study = Study.Create(new StudyOptions { Sampler = new AnnealingSampler(11) });
        study.Optimize(Rosenbrock3, nTrials: 300);
        var trials = study.Trials;
        // Trial 0 is the random origin; every later trial is chain step = its number.
        Assert.False(trials[0].SystemAttrs.ContainsKey(AnnealingSampler.StepKey));
        Assert.All(trials.Skip(1), t => Assert.Equal((long)t.Number, t.SystemAttrs[AnnealingSampler.StepKey]));
        Assert.Equal(11L, trials[1].SystemAttrs[AnnealingSampler.SeedKey]);

        var engine = new SimulatedAnnealing(Space(), new AnnealingOptions { Seed = 11 }, Genome(trials[0]));
        foreach (var t in trials)
        {
            Assert.Equal(engine.Ask(), Genome(t));
            engine.Tell(t.Values![0]);
        }
        Assert.True(study.BestValue < 1e-3, $"best {study.BestValue}");
    }

    [Fact]
    public void ARestartedWorkerReplaysTheStoredChainAndContinuesIt()
    {
        var uninterrupted = Study.Create(new StudyOptions { Sampler = new AnnealingSampler(3) });
        uninterrupted.Optimize(Rosenbrock3, nTrials: 120);

        var storage = new InMemoryStorage();
        var first = Study.Create(new StudyOptions { StudyName = "sa", Storage = storage, Sampler = new AnnealingSampler(3) });
        first.Optimize(Rosenbrock3, nTrials: 70);
        // A new process: a new sampler, here even with another seed — the chain's seed is stored with it.
        var resumed = Study.Load("sa", storage, new AnnealingSampler(99));
        resumed.Optimize(Rosenbrock3, nTrials: 50);
        Assert.Equal(uninterrupted.Trials.Select(t => t.Values![0]), resumed.Trials.Select(t => t.Values![0]));
    }

    [Fact]
    public void AWorkerFindingTheNextStepTakenExploresBesideItAndAFailedStepCountsAsWorst()
    {
        var storage = new InMemoryStorage();
        var a = Study.Create(new StudyOptions { StudyName = "s", Storage = storage, Sampler = new AnnealingSampler(5) });
        var b = Study.Load("s", storage, new AnnealingSampler(5));
        a.Optimize(Rosenbrock3, nTrials: 10);
        var held = a.Ask();
        double heldValue = Rosenbrock3(held);                 // step 10, still running
        var stray = b.Ask();
        Rosenbrock3(stray);
        Assert.Equal(10L, held.Study.Storage.GetTrial(held.TrialId).SystemAttrs[AnnealingSampler.StepKey]);
        Assert.False(storage.GetTrial(stray.TrialId).SystemAttrs.ContainsKey(AnnealingSampler.StepKey));
        b.Tell(stray, 5.0);
        a.Tell(held, TrialState.Failed);
        // The failed step is told as +∞; the next trial continues the chain at step 11.
        var next = b.Ask();
        Rosenbrock3(next);
        Assert.Equal(11L, storage.GetTrial(next.TrialId).SystemAttrs[AnnealingSampler.StepKey]);
        b.Tell(next, 1.0);
        Assert.True(double.IsFinite(heldValue));
    }

    [Fact]
    public void MaximizesAndRefusesSeveralObjectives()
    {
        var study = Study.Create(new StudyOptions { Sampler = new AnnealingSampler(1), Direction = StudyDirection.Maximize });
        study.Optimize(t => -Math.Pow(t.SuggestFloat("x", -3, 3) - 1, 2), nTrials: 200);
        Assert.True(study.BestValue > -1e-6, $"best {study.BestValue}");
        var multi = Study.Create(new StudyOptions { Sampler = new AnnealingSampler(0), Directions = [StudyDirection.Minimize, StudyDirection.Minimize] });
        Assert.Throws<InvalidOperationException>(() => multi.Ask().SuggestFloat("x", 0, 1));
    }
}
