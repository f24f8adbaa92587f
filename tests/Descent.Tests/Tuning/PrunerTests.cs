using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class PrunerTests
{
    private static Study NewStudy(IPruner pruner, StudyDirection direction = StudyDirection.Minimize, string? name = null) =>
        Study.Create(new StudyOptions { Pruner = pruner, Direction = direction, Sampler = new RandomSampler(0), StudyName = name });

    // Complete trials whose intermediate value at each step is given by the rows.
    private static void AddComplete(Study study, params double[][] curves)
    {
        foreach (var curve in curves)
        {
            var t = study.Ask();
            for (int s = 0; s < curve.Length; s++) t.Report(curve[s], s);
            study.Tell(t, curve[^1]);
        }
    }

    private static Trial Running(Study study, params double[] curve)
    {
        var t = study.Ask();
        for (int s = 0; s < curve.Length; s++) t.Report(curve[s], s);
        return t;
    }

    [Fact]
    public void MedianPrunesTrialsWorseThanTheMedianAtTheirStep()
    {
        var study = NewStudy(new MedianPruner());
        AddComplete(study, [9, 1], [9, 2], [9, 3], [9, 4], [9, 5]); // step 1 median = 3
        Assert.True(Running(study, 9, 3.5).ShouldPrune());
        Assert.False(Running(study, 9, 2.5).ShouldPrune());
        Assert.False(Running(study, 9, 3.0).ShouldPrune()); // not strictly worse
        Assert.False(Running(study, 2, 9).ShouldPrune()); // the best value over steps (2) beats the step-1 median
        Assert.True(Running(study, double.NaN, double.NaN).ShouldPrune());
    }

    [Fact]
    public void MedianMaximizeAndStartupAndWarmup()
    {
        var max = NewStudy(new MedianPruner(), StudyDirection.Maximize);
        AddComplete(max, [1], [2], [3], [4], [5]);
        Assert.True(Running(max, 2.5).ShouldPrune());
        Assert.False(Running(max, 3.5).ShouldPrune());

        var startup = NewStudy(new MedianPruner(nStartupTrials: 6));
        AddComplete(startup, [1], [2], [3], [4], [5]);
        Assert.False(Running(startup, 100).ShouldPrune());

        var warm = NewStudy(new MedianPruner(nWarmupSteps: 2));
        AddComplete(warm, [1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 5]);
        Assert.False(Running(warm, 9, 9).ShouldPrune());    // step 1 < warmup
        Assert.True(Running(warm, 9, 9, 9).ShouldPrune());  // step 2

        var few = NewStudy(new MedianPruner(nMinTrials: 2));
        AddComplete(few, [1], [2], [3], [4], [5, 5]);       // only one trial reported step 1
        Assert.False(Running(few, 0, 9).ShouldPrune());
    }

    [Fact]
    public void IntervalStepsJudgeOncePerInterval()
    {
        var study = NewStudy(new MedianPruner(intervalSteps: 2));
        AddComplete(study, [1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4], [5, 5, 5, 5]);
        Assert.True(Running(study, 9).ShouldPrune());          // step 0 is a pruning step
        Assert.False(Running(study, 0, 9).ShouldPrune());      // step 1: best is 0 anyway
        Assert.False(Running(study, 9, 9).ShouldPrune());      // step 1 is not first in its interval [0, 2)
        Assert.True(Running(study, 9, 9, 9).ShouldPrune());    // step 2 is
    }

    [Fact]
    public void PercentileUsesLinearInterpolation()
    {
        var study = NewStudy(new PercentilePruner(25));
        AddComplete(study, [1], [2], [3], [4], [5]); // 25th percentile = 2.0
        Assert.True(Running(study, 2.5).ShouldPrune());
        Assert.False(Running(study, 1.5).ShouldPrune());
        var p = NewStudy(new PercentilePruner(10));
        AddComplete(p, [1], [2], [3], [4], [5]);     // 10th percentile = 1.4
        Assert.True(Running(p, 1.45).ShouldPrune());
        Assert.False(Running(p, 1.35).ShouldPrune());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentilePruner(101));
    }

    [Fact]
    public void SuccessiveHalvingFollowsOptunasRungs()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2));
        var t0 = Running(study, 0, 1.0);
        Assert.False(t0.ShouldPrune());                       // rung 0 of [1]: promoted; rung 1 is at step 2
        Assert.Equal(1.0, t0.Snapshot.SystemAttrs[SuccessiveHalvingPruner.RungKey(0)]);
        Assert.True(Running(study, 0, 3.0).ShouldPrune());    // [1, 3]: top ⌊2/2⌋ = 1 → only 1 promotes
        Assert.True(Running(study, 0, 2.0).ShouldPrune());    // [1, 3, 2]
        var t3 = Running(study, 0, 0.5);
        Assert.False(t3.ShouldPrune());                       // [1, 3, 2, 0.5]: top 2 = {0.5, 1}
        t0.Report(0.8, 2);
        Assert.False(t0.ShouldPrune());                       // rung 1 of [0.8]
        t3.Report(0.9, 2);
        Assert.True(t3.ShouldPrune());                        // rung 1 of [0.8, 0.9]
    }

    [Fact]
    public void SuccessiveHalvingMaximizeBootstrapAndAutoMinResource()
    {
        var max = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2), StudyDirection.Maximize);
        Assert.False(Running(max, 0, 1.0).ShouldPrune());
        Assert.False(Running(max, 0, 3.0).ShouldPrune());
        Assert.True(Running(max, 0, 2.0).ShouldPrune());

        var boot = NewStudy(new SuccessiveHalvingPruner(minResource: 1, bootstrapCount: 2));
        Assert.True(Running(boot, 0, 1.0).ShouldPrune());     // fewer than bootstrapCount + 1 values at the rung

        var auto = NewStudy(new SuccessiveHalvingPruner(reductionFactor: 2));
        Assert.False(Running(auto, 0, 5, 5, 5, 5).ShouldPrune()); // no complete trial: min resource unknown
        AddComplete(auto, Enumerable.Repeat(1.0, 300).ToArray()); // last step 299 → min resource 2
        Assert.False(Running(auto, 9, 9).ShouldPrune());      // step 1 < 2
        var first = Running(auto, 9, 9, 1.0);
        Assert.False(first.ShouldPrune());
        Assert.True(Running(auto, 9, 9, 2.0).ShouldPrune());
        Assert.Throws<ArgumentException>(() => new SuccessiveHalvingPruner(bootstrapCount: 1));
    }

    [Fact]
    public void HyperbandAssignsBracketsLikeOptunaAndIsolatesThem()
    {
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 9, reductionFactor: 3);
        var study = NewStudy(pruner, name: "hb");
        var trials = Enumerable.Range(0, 10).Select(_ => study.Ask()).ToList();
        Assert.False(trials[2].ShouldPrune()); // initializes the brackets
        Assert.Equal(3, pruner.BracketCount);
        // binascii.crc32(f"hb_{n}") % 17 walked over budgets [9, 5, 3], as Optuna's _get_bracket_id.
        Assert.Equal([0, 0, 2, 2, 1, 1, 1, 2, 1, 0], Enumerable.Range(0, 10).Select(n => pruner.BracketOf("hb", n)));

        trials[0].Report(1.0, 1);
        Assert.False(trials[0].ShouldPrune());    // bracket 0, rung 0 at step 1: [1]
        trials[1].Report(2.0, 1);
        Assert.True(trials[1].ShouldPrune());     // bracket 0: [1, 2]
        trials[4].Report(5.0, 1);
        Assert.False(trials[4].ShouldPrune());    // bracket 1 starts pruning at step 3
        trials[4].Report(5.0, 3);
        Assert.False(trials[4].ShouldPrune());    // bracket 1's rung 0 holds only itself, not bracket 0's values
        trials[5].Report(6.0, 3);
        Assert.True(trials[5].ShouldPrune());     // bracket 1: [5, 6]
        trials[2].Report(100, 8);
        Assert.False(trials[2].ShouldPrune());    // bracket 2 starts at step 9
    }

    [Fact]
    public void HyperbandAutoWaitsForACompleteTrial()
    {
        var pruner = new HyperbandPruner();
        var study = NewStudy(pruner);
        Assert.False(Running(study, 5, 5).ShouldPrune());
        Assert.Equal(0, pruner.BracketCount);
        AddComplete(study, Enumerable.Repeat(1.0, 27).ToArray()); // max resource = 26 + 1 = 27 → 4 brackets
        Running(study, 1).ShouldPrune();
        Assert.Equal(4, pruner.BracketCount);
    }

    [Fact]
    public void ThresholdPrunesOutsideTheBounds()
    {
        var study = NewStudy(new ThresholdPruner(lower: 0, upper: 1));
        Assert.True(Running(study, 1.5).ShouldPrune());
        Assert.True(Running(study, -0.5).ShouldPrune());
        Assert.False(Running(study, 0.5).ShouldPrune());
        Assert.True(Running(study, double.NaN).ShouldPrune());
        var warm = NewStudy(new ThresholdPruner(upper: 1, nWarmupSteps: 2));
        Assert.False(Running(warm, 5, 5).ShouldPrune());
        Assert.True(Running(warm, 5, 5, 5).ShouldPrune());
        Assert.Throws<ArgumentException>(() => new ThresholdPruner());
        Assert.Throws<ArgumentException>(() => new ThresholdPruner(lower: 2, upper: 1));
    }

    [Fact]
    public void PatientWaitsForPatienceStepsWithoutImprovement()
    {
        var study = NewStudy(new PatientPruner(null, patience: 2));
        Assert.False(Running(study, 5, 4, 4.5, 4.2).ShouldPrune());   // best before window 5, inside 4: improving
        Assert.True(Running(study, 3, 4, 4.5, 4.2).ShouldPrune());    // 3 before, 4 after: stalled
        Assert.False(Running(study, 3, 4, 4.5).ShouldPrune());        // only patience + 1 reports
        var delta = NewStudy(new PatientPruner(null, patience: 1, minDelta: 0.5));
        Assert.False(Running(delta, 3, 3.4, 3.3).ShouldPrune());      // 3 + 0.5 < 3.3 is false
        Assert.True(Running(delta, 3, 3.6, 3.7).ShouldPrune());
        var wrapped = NewStudy(new PatientPruner(new NopPruner(), patience: 0));
        Assert.False(Running(wrapped, 1, 2).ShouldPrune());           // stalled, but the wrapped pruner says no
        var max = NewStudy(new PatientPruner(null, patience: 1), StudyDirection.Maximize);
        Assert.True(Running(max, 5, 4, 4.5).ShouldPrune());
        Assert.False(Running(max, 5, 4, 5.5).ShouldPrune());
    }

    [Fact]
    public void ParetoPrunerComparesWithThePerObjectiveQuantilePoint()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], Pruner = new ParetoPruner(0.5), Sampler = new RandomSampler(0) });
        foreach (var (a, b) in new[] { (1.0, 5.0), (2.0, 4.0), (3.0, 3.0), (4.0, 2.0), (5.0, 1.0) })
        {
            var t = study.Ask();
            t.Report([a, b], 1);
            study.Tell(t, [a, b]);
        }
        Assert.Equal([3.0, 3.0], ((ParetoPruner)study.Pruner).ReferencePoint(study, 1)!);
        Trial At(double a, double b) { var t = study.Ask(); t.Report([a, b], 1); return t; }
        Assert.True(At(4, 4).ShouldPrune());      // (3, 3) dominates (4, 4)
        Assert.True(At(3, 3.5).ShouldPrune());
        Assert.False(At(3, 3).ShouldPrune());     // equal: not dominated
        Assert.False(At(2, 6).ShouldPrune());     // better in the first objective
        Assert.True(At(double.NaN, 0).ShouldPrune());
        var early = study.Ask();
        early.Report([9, 9], 0);                  // nobody reported step 0
        Assert.False(early.ShouldPrune());
    }

    [Fact]
    public void ParetoPrunerQuantileFollowsEachDirection()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize], Pruner = new ParetoPruner(0.25), Sampler = new RandomSampler(0) });
        foreach (var v in new[] { 1.0, 2.0, 3.0, 4.0, 5.0 })
        {
            var t = study.Ask();
            t.Report([v, v], 2);
            study.Tell(t, [v, v]);
        }
        // 25% from the good end: the 25th percentile (2) of the minimized, the 75th (4) of the maximized objective.
        Assert.Equal([2.0, 4.0], ((ParetoPruner)study.Pruner).ReferencePoint(study, 2)!);
        var bad = study.Ask();
        bad.Report([3, 3], 2);
        Assert.True(bad.ShouldPrune());
        var good = study.Ask();
        good.Report([1.5, 3.5], 2);
        Assert.False(good.ShouldPrune());
    }

    [Fact]
    public void ParetoPrunerWithOneObjectiveMatchesThePercentilePrunerOnTheLatestValue()
    {
        var pareto = NewStudy(new ParetoPruner(0.25));
        var percentile = NewStudy(new PercentilePruner(25));
        AddComplete(pareto, [1], [2], [3], [4], [5]);
        AddComplete(percentile, [1], [2], [3], [4], [5]);
        foreach (var v in new[] { 0.5, 1.9, 2.0, 2.1, 4.5 })
            Assert.Equal(Running(percentile, v).ShouldPrune(), Running(pareto, v).ShouldPrune());
    }

    [Fact]
    public void SingleObjectivePrunersRejectMultiObjectiveStudies()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], Pruner = new MedianPruner(nStartupTrials: 0) });
        var t = study.Ask();
        t.Report([1, 1], 0);
        var e = Assert.Throws<InvalidOperationException>(() => t.ShouldPrune());
        Assert.Contains("ParetoPruner", e.Message);
    }
}
