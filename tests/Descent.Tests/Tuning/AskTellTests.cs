using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class AskTellTests
{
    private static Study NewStudy(StudyDirection direction = StudyDirection.Minimize, ISampler? sampler = null) =>
        Study.Create(new StudyOptions { Direction = direction, Sampler = sampler ?? new RandomSampler(0) });

    [Fact]
    public void AskAndTellRecordAFinishedTrial()
    {
        var study = NewStudy();
        var trial = study.Ask();
        double x = trial.SuggestFloat("x", -1, 1);
        trial.SetUserAttr("note", "hello");
        var frozen = study.Tell(trial, x * x);
        Assert.Equal(TrialState.Complete, frozen.State);
        Assert.Equal(x * x, frozen.Value);
        Assert.Equal(x, (double)frozen.Params["x"]!);
        Assert.Equal("hello", frozen.UserAttrs["note"]);
        Assert.NotNull(frozen.DatetimeComplete);
        Assert.Equal(0, frozen.Number);
        Assert.Throws<TrialFinishedException>(() => study.Tell(trial, 1.0));
        Assert.Throws<TrialFinishedException>(() => trial.SuggestFloat("y", 0, 1));
    }

    [Fact]
    public void TellByNumberAndState()
    {
        var study = NewStudy();
        var a = study.Ask();
        var b = study.Ask();
        study.Tell(b.Number, 2.0);
        study.Tell(a.Number, TrialState.Failed);
        Assert.Equal([TrialState.Failed, TrialState.Complete], study.Trials.Select(t => t.State));
        Assert.Throws<ArgumentException>(() => study.Tell(study.Ask(), TrialState.Complete));
        study.EnqueueTrial(new Dictionary<string, object?>());
        Assert.Throws<InvalidOperationException>(() => study.Tell(study.Trials[^1].Number, 1.0)); // Waiting
    }

    [Fact]
    public void NaNAndInfinityFailTheTrialWithAReason()
    {
        var study = NewStudy();
        var f1 = study.Tell(study.Ask(), double.NaN);
        var f2 = study.Tell(study.Ask(), double.PositiveInfinity);
        Assert.Equal(TrialState.Failed, f1.State);
        Assert.Equal(TrialState.Failed, f2.State);
        Assert.Null(f1.Values);
        Assert.Contains("NaN", (string)f1.SystemAttrs[Study.FailReasonKey]!);
    }

    [Fact]
    public void PrunedTellKeepsTheLastReportedValue()
    {
        var study = NewStudy();
        var t = study.Ask();
        t.Report(5.0, 0);
        t.Report(3.0, 4);
        t.Report(9.0, 4); // a repeated step is ignored, as in Optuna
        var f = study.Tell(t, TrialState.Pruned);
        Assert.Equal(TrialState.Pruned, f.State);
        Assert.Equal(3.0, f.Value);
        Assert.Equal(new[] { 0, 4 }, f.IntermediateValues.Keys);
    }

    [Fact]
    public void BestTrialFollowsTheDirection()
    {
        var min = NewStudy();
        var max = NewStudy(StudyDirection.Maximize);
        foreach (var v in new[] { 3.0, 1.0, 2.0 })
        {
            min.Tell(min.Ask(), v);
            max.Tell(max.Ask(), v);
        }
        Assert.Equal(1.0, min.BestValue);
        Assert.Equal(1, min.BestTrial.Number);
        Assert.Equal(3.0, max.BestValue);
        Assert.Equal(0, max.BestTrial.Number);
        Assert.Throws<InvalidOperationException>(() => NewStudy().BestTrial);
    }

    [Fact]
    public void EnqueuedParametersAreUsedByTheNextAsk()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.25, ["opt"] = "sgd", ["n"] = 4 });
        Assert.Equal(TrialState.Waiting, study.Trials[0].State);
        var t = study.Ask();
        Assert.Equal(0, t.Number);
        Assert.Equal(0.25, t.SuggestFloat("x", 0, 1));
        Assert.Equal("sgd", t.SuggestCategorical("opt", "adam", "sgd"));
        Assert.Equal(4, t.SuggestInt("n", 1, 8));
        double y = t.SuggestFloat("y", 0, 1); // not fixed: sampled
        Assert.InRange(y, 0, 1);
        study.Tell(t, 1.0);
        var next = study.Ask();
        Assert.Equal(1, next.Number);
    }

    [Fact]
    public void EnqueueSkipIfExistsComparesValues()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1 });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.0 }, skipIfExists: true);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 2 }, skipIfExists: true);
        Assert.Equal(2, study.Trials.Count);
    }

    [Fact]
    public void EnqueuedCategoricalOutsideTheChoicesIsAClearError()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["opt"] = "rmsprop" });
        var t = study.Ask();
        var e = Assert.Throws<ArgumentException>(() => t.SuggestCategorical("opt", "adam", "sgd"));
        Assert.StartsWith("opt: enqueued value does not fit", e.Message);
    }

    [Fact]
    public void FixedDistributionsAreSuggestedAtAsk()
    {
        var study = NewStudy();
        var t = study.Ask(new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1) });
        Assert.True(t.Params.ContainsKey("x"));
    }

    [Fact]
    public void MultiObjectiveTellAndParetoFront()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize], Sampler = new RandomSampler(0) });
        double[][] points = [[1, 1], [2, 3], [3, 2], [0.5, 0.2], [2, 3], [4, 4]];
        foreach (var p in points) study.Tell(study.Ask(), p);
        // minimize first, maximize second: [1,1] is dominated by [2,3]? no (1<2 better on first). [3,2] is dominated by [2,3].
        Assert.Equal([0, 1, 3, 4, 5], study.BestTrials.Select(t => t.Number));
        Assert.Throws<InvalidOperationException>(() => study.BestTrial);
        var failed = study.Tell(study.Ask(), [1.0]);
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Throws<InvalidOperationException>(() => study.Ask().Report(1.0, 0));
    }

    [Fact]
    public void CreateWithLoadIfExistsReusesTheStudy()
    {
        var storage = new InMemoryStorage();
        var s1 = Study.Create(new StudyOptions { StudyName = "s", Storage = storage });
        s1.Tell(s1.Ask(), 1.0);
        Assert.Throws<DuplicateStudyException>(() => Study.Create(new StudyOptions { StudyName = "s", Storage = storage }));
        var s2 = Study.Create(new StudyOptions { StudyName = "s", Storage = storage, LoadIfExists = true });
        Assert.Single(s2.Trials);
        Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { StudyName = "s", Storage = storage, LoadIfExists = true, Direction = StudyDirection.Maximize }));
        Assert.Single(Study.Load("s", storage).Trials);
        Assert.Throws<KeyNotFoundException>(() => Study.Load("nope", storage));
    }

    [Fact]
    public void AddTrialImportsFinishedTrialsThatSamplersThenUse()
    {
        var study = NewStudy(sampler: new TpeSampler(new TpeOptions { Seed = 1, NStartupTrials = 5 }));
        var dist = new FloatDistribution(-10, 10);
        for (int i = 0; i < 20; i++)
        {
            double x = -10 + i;
            study.AddTrial(new FrozenTrial
            {
                State = TrialState.Complete,
                Values = [Math.Abs(x - 3)],
                InternalParams = new Dictionary<string, double> { ["x"] = x },
                Distributions = new Dictionary<string, Distribution> { ["x"] = dist },
            });
        }
        Assert.Equal(13, study.BestTrial.Number);
        var next = study.Ask();
        Assert.InRange(next.SuggestFloat("x", -10, 10), -2.0, 8.0); // TPE already knows the good region
        Assert.Throws<ArgumentException>(() => study.AddTrial(new FrozenTrial { State = TrialState.Running }));
        Assert.Throws<ArgumentException>(() => study.AddTrial(new FrozenTrial { State = TrialState.Complete, Values = [double.NaN] }));
        Assert.Throws<ArgumentException>(() => study.AddTrial(new FrozenTrial
        {
            State = TrialState.Failed,
            InternalParams = new Dictionary<string, double> { ["x"] = 11 },
            Distributions = new Dictionary<string, Distribution> { ["x"] = dist },
        }));
    }

    [Fact]
    public void ParameterKindIsFixedAcrossTheStudy()
    {
        var study = NewStudy();
        var a = study.Ask();
        a.SuggestFloat("x", 0, 1);
        study.Tell(a, 0);
        var b = study.Ask();
        b.SuggestFloat("x", 0, 5); // a dynamic range is allowed
        Assert.Throws<ArgumentException>(() => study.Ask().SuggestInt("x", 0, 1));
    }
}
