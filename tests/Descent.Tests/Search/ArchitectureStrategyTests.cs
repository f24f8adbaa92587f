using Descent.Experiments;
using Descent.Search.Architecture;
using Descent.Tuning;

namespace Descent.Tests.Search;

/// <summary>The search strategies on a synthetic objective (no training): duplicates, lineage, determinism, quality.</summary>
public class ArchitectureStrategyTests
{
    private static readonly ArchitectureSpace Space = ArchitectureSpace.Parse(ConfigDocument.Parse("""
        search_space:
          stages:
            - name: f
              blocks: {int: [1, 3]}
              type: {choice: [conv2d, residual]}
              channels: {choice: [8, 16, 32, 64]}
              kernel: {choice: [3, 5]}
              norm: {choice: [none, batchnorm]}
              pool: {choice: [none, max]}
            - name: h
              blocks: {int: [0, 2]}
              width: {choice: [32, 64, 128]}
              dropout: {choice: [0.0, 0.25, 0.5]}
        """, "space.yaml").Required("search_space"));

    // A made-up "accuracy" with one best architecture: two residual 32-channel blocks with batchnorm and pooling, one head block of 64.
    private static double Score(ArchitectureCandidate c)
    {
        double s = -Math.Abs(c.Blocks.Count(b => b.IsConvolutional) - 2) - Math.Abs(c.Blocks.Count(b => !b.IsConvolutional) - 1);
        foreach (var b in c.Blocks.Where(b => b.IsConvolutional))
            s -= (b.Kind == "residual" ? 0 : 0.5) + Math.Abs(Math.Log2(b.Width) - 5) * 0.3 + (b.Norm == "batchnorm" ? 0 : 0.4) + (b.Pool == "max" ? 0 : 0.2) + (b.Kernel == 3 ? 0 : 0.1);
        foreach (var b in c.Blocks.Where(b => !b.IsConvolutional))
            s -= Math.Abs(Math.Log2(b.Width) - 6) * 0.3 + b.Dropout;
        return s;
    }

    private static Study Run(ArchitectureSampler sampler, int trials, IStudyStorage? storage = null, string name = "s")
    {
        var study = Study.Create(new StudyOptions { StudyName = name, Storage = storage ?? new InMemoryStorage(), Sampler = sampler, Direction = StudyDirection.Maximize });
        study.Optimize(t => Score(Space.Sample(t)), nTrials: trials);
        return study;
    }

    private static List<string> Keys(Study study) => [.. study.Trials.Select(t => Space.Draw(t.InternalParams, (_, _) => throw new InvalidOperationException("missing decision")).Candidate.Key)];

    [Fact]
    public void RandomSearchNeverRepeatsAnArchitecture()
    {
        var tiny = ArchitectureSpace.Parse(ConfigDocument.Parse("search_space:\n  stages:\n    - {blocks: {int: [1, 2]}, width: {choice: [8, 16, 32]}}\n", "t.yaml").Required("search_space"));
        var study = Study.Create(new StudyOptions { Sampler = new RandomArchitectureSampler(tiny, seed: 3) });
        study.Optimize(t => tiny.Sample(t).Blocks.Count, nTrials: 12);   // 3 + 9 architectures
        var keys = study.Trials.Select(t => tiny.Draw(t.InternalParams, (_, _) => throw new InvalidOperationException()).Candidate.Key).ToList();
        Assert.Equal(12, keys.Distinct().Count());
    }

    [Fact]
    public void RegularizedEvolutionMutatesOneDecisionOfATournamentWinnerFromTheRecentPopulation()
    {
        var study = Run(new RegularizedEvolutionSampler(Space, seed: 1, population: 8, sample: 3), 60);
        var trials = study.Trials;
        Assert.All(trials.Take(8), t => Assert.False(t.SystemAttrs.ContainsKey(ArchitectureSampler.ParentsKey)));
        foreach (var child in trials.Skip(8))
        {
            var parents = Assert.IsAssignableFrom<IReadOnlyList<object?>>(child.SystemAttrs[ArchitectureSampler.ParentsKey]);
            var parent = trials[(int)(long)Assert.Single(parents)!];
            // Aging: the parent was among the 8 most recent complete trials when the child started.
            Assert.InRange(parent.Number, child.Number - 8, child.Number - 1);
            var mutated = (string)child.SystemAttrs[ArchitectureSampler.MutationKey]!;
            Assert.NotEqual(parent.InternalParams[mutated], child.InternalParams.GetValueOrDefault(mutated, double.NaN));
            // Every other shared decision is inherited.
            foreach (var (name, value) in child.InternalParams)
                if (name != mutated && parent.InternalParams.TryGetValue(name, out var p) && !mutated.EndsWith(".blocks", StringComparison.Ordinal))
                    Assert.Equal(p, value);
        }
        Assert.Equal(60, Keys(study).Distinct().Count());
    }

    [Fact]
    public void EvolutionBeatsRandomSearchOnTheSyntheticScore()
    {
        double Mean(Func<long, ArchitectureSampler> sampler) => Enumerable.Range(0, 5).Average(s => Run(sampler(s), 50).BestValue);
        double evolution = Mean(s => new RegularizedEvolutionSampler(Space, s, population: 10, sample: 3));
        double random = Mean(s => new RandomArchitectureSampler(Space, s));
        Assert.True(evolution > random, $"evolution {evolution} vs random {random}");
    }

    [Fact]
    public void WorkersSharingAStorageRunTheSameSearch()
    {
        var single = Run(new RegularizedEvolutionSampler(Space, seed: 7, population: 5), 30);
        var storage = new InMemoryStorage();
        var a = Study.Create(new StudyOptions { StudyName = "w", Storage = storage, Sampler = new RegularizedEvolutionSampler(Space, 7, 5), Direction = StudyDirection.Maximize });
        var b = Study.Load("w", storage, new RegularizedEvolutionSampler(Space, 7, 5));
        for (int i = 0; i < 30; i++) (i % 2 == 0 ? a : b).Optimize(t => Score(Space.Sample(t)), nTrials: 1);
        Assert.Equal(Keys(single), Keys(a));
    }

    [Fact]
    public void ReinforceMovesItsPolicyTowardsRewardedDecisionsAndReplaysFromStorage()
    {
        var sampler = new ReinforceSampler(Space, seed: 2, learningRate: 0.5);
        var study = Run(sampler, 80);
        study.Ask(); // folds the finished trials into the policy
        var kind = sampler.Probabilities("f.0.type")!;
        Assert.True(kind[1] > 0.5, $"P(residual) = {kind[1]}");           // residual scores higher
        var norm = sampler.Probabilities("f.0.norm")!;
        Assert.True(norm[1] > 0.5, $"P(batchnorm) = {norm[1]}");

        // A new sampler rebuilds the same policy from the stored trials.
        var again = new ReinforceSampler(Space, seed: 2, learningRate: 0.5);
        Study.Load("s", study.Storage, again).Ask();
        Assert.Equal(kind, again.Probabilities("f.0.type"));
    }

    [Fact]
    public void Nsga2SearchesAccuracyAgainstSize()
    {
        var study = Study.Create(new StudyOptions
        {
            Sampler = new ArchitectureNsgaSampler(Space, seed: 4, population: 8),
            Directions = [StudyDirection.Maximize, StudyDirection.Minimize],
        });
        study.Optimize(t =>
        {
            var c = Space.Sample(t);
            return [Score(c), c.Blocks.Sum(b => (double)b.Width * (b.IsConvolutional ? b.Kernel * b.Kernel : 1))];
        }, nTrials: 60);
        Assert.True(study.BestTrials.Count >= 3, $"front of {study.BestTrials.Count}");
        Assert.Contains(study.Trials, t => t.SystemAttrs.TryGetValue(ArchitectureSampler.ParentsKey, out var p) && ((IReadOnlyList<object?>)p!).Count == 2);
        Assert.Equal(60, Keys(study).Distinct().Count());
        Assert.Throws<ConfigException>(() => StrategySpec.Create(null, "nsga2", Space, 0, objectives: 1));
        Assert.IsType<ArchitectureNsgaSampler>(StrategySpec.Create(null, null, Space, 0, objectives: 2));
        Assert.IsType<RegularizedEvolutionSampler>(StrategySpec.Create(null, null, Space, 0, objectives: 1));
    }
}
