using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class SearchSpaceAndParetoTests
{
    private static Study StudyWith(params Dictionary<string, Distribution>[] trials)
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(0) });
        foreach (var dists in trials)
        {
            var t = study.Ask(dists);
            study.Tell(t, 0);
        }
        return study;
    }

    [Fact]
    public void IntersectionKeepsParametersEveryTrialSharesWithTheSameDistribution()
    {
        var x = new FloatDistribution(0, 1);
        var y = new IntDistribution(0, 9);
        var study = StudyWith(
            new() { ["x"] = x, ["y"] = y, ["z"] = new FloatDistribution(0, 1) },
            new() { ["x"] = x, ["y"] = y },
            new() { ["x"] = x, ["y"] = y, ["z"] = new FloatDistribution(0, 2) });
        var space = new IntersectionSearchSpace();
        Assert.Equal(["x", "y"], space.Calculate(study).Keys);
        study.Tell(study.Ask(new Dictionary<string, Distribution> { ["x"] = x }), 0);
        Assert.Equal(["x"], space.Calculate(study).Keys); // incremental update
        var running = study.Ask(new Dictionary<string, Distribution> { ["q"] = x });
        Assert.Equal(["x"], space.Calculate(study).Keys); // running trials do not narrow it yet
        study.Tell(running, 0);
        Assert.Empty(space.Calculate(study));
        Assert.Throws<ArgumentException>(() => space.Calculate(StudyWith()));
    }

    [Fact]
    public void PrunedTrialsCountOnlyWhenAsked()
    {
        var study = StudyWith(new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1), ["y"] = new FloatDistribution(0, 1) });
        var t = study.Ask(new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1) });
        study.Tell(t, TrialState.Pruned);
        Assert.Equal(["x", "y"], new IntersectionSearchSpace(includePruned: false).Calculate(study).Keys);
        Assert.Equal(["x"], new IntersectionSearchSpace(includePruned: true).Calculate(study).Keys);
    }

    [Fact]
    public void GroupDecompositionSplitsConditionalSpaces()
    {
        var d = new FloatDistribution(0, 1);
        var study = StudyWith(
            new() { ["kind"] = new CategoricalDistribution(["a", "b"]), ["x"] = d, ["lr"] = d },
            new() { ["kind"] = new CategoricalDistribution(["a", "b"]), ["y"] = d, ["lr"] = d },
            new() { ["kind"] = new CategoricalDistribution(["a", "b"]), ["x"] = d, ["lr"] = d });
        var groups = new GroupDecomposedSearchSpace().Calculate(study);
        Assert.Equal(["kind,lr", "x", "y"], groups.Select(g => string.Join(",", g.Keys)).Order());
    }

    [Fact]
    public void ParetoFrontAndRanksMatchBruteForce()
    {
        var rng = new TuningRandom(12);
        var directions = new[] { StudyDirection.Minimize, StudyDirection.Maximize, StudyDirection.Minimize };
        var study = Study.Create(new StudyOptions { Directions = directions, Sampler = new RandomSampler(0) });
        for (int i = 0; i < 150; i++)
            study.Tell(study.Ask(), [Math.Round(rng.NextDouble(), 1), Math.Round(rng.NextDouble(), 1), Math.Round(rng.NextDouble(), 1)]);
        var all = study.Trials;
        var front = study.BestTrials.Select(t => t.Number).ToHashSet();
        foreach (var t in all)
        {
            bool dominated = all.Any(o => ParetoFront.Dominates(o.Values!, t.Values!, directions));
            Assert.Equal(!dominated, front.Contains(t.Number));
        }
        var losses = all.Select(t => new[] { t.Values![0], -t.Values[1], t.Values[2] }).ToList();
        var ranks = ParetoFront.NonDominatedRanks(losses);
        Assert.Equal(front.Order(), Enumerable.Range(0, all.Count).Where(i => ranks[i] == 0).Select(i => all[i].Number));
        for (int i = 0; i < all.Count; i++)
            for (int j = 0; j < all.Count; j++)
                if (ParetoFront.Dominates(all[j].Values!, all[i].Values!, directions)) Assert.True(ranks[j] < ranks[i]);
        Assert.All(Enumerable.Range(0, all.Count).Where(i => ranks[i] > 0), i =>
            Assert.Contains(Enumerable.Range(0, all.Count), j => ranks[j] == ranks[i] - 1 && ParetoFront.Dominates(all[j].Values!, all[i].Values!, directions)));
    }

    [Fact]
    public void SingleObjectiveBestTrialsAreTheTiedBest()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(0) });
        foreach (var v in new[] { 2.0, 1.0, 3.0, 1.0 }) study.Tell(study.Ask(), v);
        Assert.Equal([1, 3], study.BestTrials.Select(t => t.Number));
    }
}
