using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class GeneticSamplerTests
{
    private static double Rastrigin4(Trial t) => BenchmarkFunctions.Rastrigin(Enumerable.Range(0, 4).Select(i => t.SuggestFloat("x" + i, -5.12, 5.12)).ToArray());

    private static List<string> Signature(Study study) =>
        study.Trials.Select(t => string.Join(",", t.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))).ToList();

    private static GeneticSampler Sampler(long seed, int population = 20) =>
        new(new GeneticAlgorithmOptions { Seed = seed, PopulationSize = population });

    [Fact]
    public void BeatsRandomSearchAndKeepsTheBestInTheParents()
    {
        var ga = new double[3];
        var random = new double[3];
        for (int s = 0; s < 3; s++)
        {
            var study = Study.Create(new StudyOptions { Sampler = Sampler(s) });
            study.Optimize(Rastrigin4, nTrials: 600);
            ga[s] = study.BestValue;
            var r = Study.Create(new StudyOptions { Sampler = new RandomSampler(s) });
            r.Optimize(Rastrigin4, nTrials: 600);
            random[s] = r.BestValue;
            // Every trial carries its generation; with one worker generation g holds trials 20g … 20g + 19.
            Assert.All(study.Trials, t => Assert.Equal((long)(t.Number / 20), t.SystemAttrs[GeneticSampler.GenerationKey]));
        }
        Array.Sort(ga);
        Array.Sort(random);
        Assert.True(ga[1] < random[1] / 2, $"GA median {ga[1]} vs random {random[1]}");
    }

    [Fact]
    public void IsReproducibleAndWorkersSharingAStorageRunTheSameStudy()
    {
        var single = Study.Create(new StudyOptions { Sampler = Sampler(5) });
        single.Optimize(Rastrigin4, nTrials: 90);
        var again = Study.Create(new StudyOptions { Sampler = Sampler(5) });
        again.Optimize(Rastrigin4, nTrials: 90);
        Assert.Equal(Signature(single), Signature(again));
        var other = Study.Create(new StudyOptions { Sampler = Sampler(6) });
        other.Optimize(Rastrigin4, nTrials: 90);
        Assert.NotEqual(Signature(single), Signature(other));

        // Two workers with the same seed taking turns: parents come from storage and every draw from the stream of its
        // trial number, so the study is the single worker's.
        var storage = new InMemoryStorage();
        var a = Study.Create(new StudyOptions { StudyName = "shared", Storage = storage, Sampler = Sampler(5) });
        var b = Study.Load("shared", storage, Sampler(5));
        for (int i = 0; i < 90; i++) (i % 3 == 0 ? a : b).Optimize(Rastrigin4, nTrials: 1);
        Assert.Equal(Signature(single), Signature(a));
    }

    [Fact]
    public void TrialsStillRunningDoNotBlockTheNextGeneration()
    {
        // Worker A holds trials open while B completes the rest: B's generations advance on complete trials alone.
        var storage = new InMemoryStorage();
        var a = Study.Create(new StudyOptions { StudyName = "s", Storage = storage, Sampler = Sampler(1, population: 4) });
        var b = Study.Load("s", storage, Sampler(1, population: 4));
        var open = a.Ask();
        open.SuggestFloat("x0", -5.12, 5.12);
        b.Optimize(Rastrigin4, nTrials: 30);
        var generations = b.Trials.Where(t => t.State == TrialState.Complete).Select(t => (long)t.SystemAttrs[GeneticSampler.GenerationKey]!).ToList();
        Assert.True(generations.Max() >= 5, $"generations {string.Join(",", generations)}");
        a.Tell(open, 1.0);
    }

    [Fact]
    public void SamplesConditionalParametersAndRefusesSeveralObjectives()
    {
        var study = Study.Create(new StudyOptions { Sampler = Sampler(2, population: 6) });
        study.Optimize(t =>
        {
            int layers = t.SuggestInt("layers", 1, 3);
            double loss = layers;
            for (int i = 0; i < layers; i++) loss += Math.Abs(t.SuggestFloat("w" + i, -1, 1));
            return loss;
        }, nTrials: 60);
        Assert.Equal(60, study.GetTrials(TrialState.Complete).Count);
        Assert.True(study.BestValue < 1.2, $"best {study.BestValue}");

        var multi = Study.Create(new StudyOptions { Sampler = Sampler(0), Directions = [StudyDirection.Minimize, StudyDirection.Minimize] });
        Assert.Throws<InvalidOperationException>(() => multi.Ask());
    }

    [Fact]
    public void IndependentDrawsDependOnTheTrialAndTheParameterOnly()
    {
        // Outside the relative space a value comes from the stream of (trial number, parameter name): suggesting the
        // parameters in another order gives the same values.
        var first = Study.Create(new StudyOptions { Sampler = Sampler(4) });
        var t1 = first.Ask();
        double a1 = t1.SuggestFloat("a", 0, 1), b1 = t1.SuggestFloat("b", 0, 1);
        var second = Study.Create(new StudyOptions { Sampler = Sampler(4) });
        var t2 = second.Ask();
        double b2 = t2.SuggestFloat("b", 0, 1), a2 = t2.SuggestFloat("a", 0, 1);
        Assert.Equal((a1, b1), (a2, b2));
        Assert.NotEqual(a1, b1);
    }
}
