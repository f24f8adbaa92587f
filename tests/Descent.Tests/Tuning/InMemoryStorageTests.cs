using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>The <see cref="IStudyStorage"/> contract, run against <see cref="InMemoryStorage"/>; other back ends can derive and override <see cref="NewStorage"/>.</summary>
public class InMemoryStorageTests
{
    protected virtual IStudyStorage NewStorage(TimeProvider? clock = null) => new InMemoryStorage(clock);

    [Fact]
    public void StudiesAreCreatedFoundAndDeleted()
    {
        var s = NewStorage();
        long a = s.CreateStudy("a", [StudyDirection.Minimize]);
        long b = s.CreateStudy("b", [StudyDirection.Maximize, StudyDirection.Minimize]);
        Assert.Throws<DuplicateStudyException>(() => s.CreateStudy("a", [StudyDirection.Minimize]));
        Assert.Equal(a, s.FindStudyId("a"));
        Assert.Null(s.FindStudyId("zzz"));
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], s.GetStudyDirections(b));
        Assert.Equal(["a", "b"], s.GetAllStudies().Select(x => x.StudyName));
        long t = s.CreateTrial(a).TrialId;
        s.DeleteStudy(a);
        Assert.Null(s.FindStudyId("a"));
        Assert.Throws<KeyNotFoundException>(() => s.GetTrial(t));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyName(a));
    }

    [Fact]
    public void TrialNumbersArePerStudyAndIdsIncrease()
    {
        var s = NewStorage();
        long a = s.CreateStudy("a", [StudyDirection.Minimize]);
        long b = s.CreateStudy("b", [StudyDirection.Minimize]);
        var a0 = s.CreateTrial(a);
        var b0 = s.CreateTrial(b);
        var a1 = s.CreateTrial(a);
        Assert.Equal((0, 0, 1), (a0.Number, b0.Number, a1.Number));
        Assert.True(a0.TrialId < b0.TrialId && b0.TrialId < a1.TrialId);
        Assert.Equal(a1.TrialId, s.GetTrialIdFromNumber(a, 1));
        Assert.Equal([a1.TrialId], s.GetAllTrials(a, afterTrialId: a0.TrialId).Select(t => t.TrialId));
        Assert.Equal(TrialState.Running, s.GetTrial(a0.TrialId).State);
        Assert.NotNull(s.GetTrial(a0.TrialId).DatetimeStart);
    }

    [Fact]
    public void StateChangesAreCompareAndSet()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long waiting = s.CreateTrial(study, new FrozenTrial { State = TrialState.Waiting }).TrialId;
        Assert.Null(s.GetTrial(waiting).DatetimeStart);
        Assert.True(s.TrySetTrialState(waiting, TrialState.Waiting, TrialState.Running));
        Assert.False(s.TrySetTrialState(waiting, TrialState.Waiting, TrialState.Running)); // already claimed
        Assert.NotNull(s.GetTrial(waiting).DatetimeStart);
        Assert.True(s.TrySetTrialState(waiting, TrialState.Running, TrialState.Complete, [1.5]));
        Assert.False(s.TrySetTrialState(waiting, TrialState.Running, TrialState.Failed));     // already finished
        var done = s.GetTrial(waiting);
        Assert.Equal([1.5], done.Values);
        Assert.NotNull(done.DatetimeComplete);
        Assert.Throws<ArgumentException>(() => s.TrySetTrialState(waiting, TrialState.Complete, TrialState.Running));
    }

    [Fact]
    public void ConcurrentClaimsOfAWaitingTrialHaveOneWinner()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        for (int round = 0; round < 50; round++)
        {
            long id = s.CreateTrial(study, new FrozenTrial { State = TrialState.Waiting }).TrialId;
            int winners = 0;
            Parallel.For(0, 4, _ => { if (s.TrySetTrialState(id, TrialState.Waiting, TrialState.Running)) Interlocked.Increment(ref winners); });
            Assert.Equal(1, winners);
        }
    }

    [Fact]
    public void FinishedTrialsAreImmutable()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long id = s.CreateTrial(study).TrialId;
        s.TrySetTrialState(id, TrialState.Running, TrialState.Failed);
        Assert.Throws<TrialFinishedException>(() => s.SetTrialParam(id, "x", 1, new FloatDistribution(0, 2)));
        Assert.Throws<TrialFinishedException>(() => s.SetTrialIntermediateValue(id, 0, [1.0]));
        Assert.Throws<TrialFinishedException>(() => s.SetTrialUserAttr(id, "k", 1));
        Assert.Throws<TrialFinishedException>(() => s.SetTrialSystemAttr(id, "k", 1));
    }

    [Fact]
    public void ParamsIntermediateValuesAndAttrsRoundTrip()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long id = s.CreateTrial(study).TrialId;
        s.SetTrialParam(id, "opt", 1, new CategoricalDistribution(["a", "b"]));
        s.SetTrialIntermediateValue(id, 3, [0.5]);
        s.SetTrialIntermediateValue(id, 1, [0.7]);
        s.SetTrialIntermediateValue(id, 2, [0.1, 0.2]);
        s.SetTrialUserAttr(id, "n", 3);                                  // int → long
        s.SetTrialUserAttr(id, "f", 1.5f);                               // float → double
        s.SetTrialUserAttr(id, "list", new[] { 1, 2 });                  // array → list of long
        s.SetTrialSystemAttr(id, "map", new Dictionary<string, object?> { ["k"] = "v" });
        var t = s.GetTrial(id);
        Assert.Equal("b", t.Params["opt"]);
        Assert.Equal(1.0, t.InternalParams["opt"]);
        Assert.Equal([1, 3], t.IntermediateValues.Keys);                 // sorted by step
        Assert.Equal([0.1, 0.2], t.IntermediateVectors[2]);
        Assert.Equal(3, t.LastStep);
        Assert.Equal(3L, t.UserAttrs["n"]);
        Assert.Equal(1.5, t.UserAttrs["f"]);
        Assert.Equal([1L, 2L], ((IReadOnlyList<object?>)t.UserAttrs["list"]!).Cast<long>());
        Assert.Equal("v", ((IReadOnlyDictionary<string, object?>)t.SystemAttrs["map"]!)["k"]);
        Assert.Throws<ArgumentException>(() => s.SetTrialUserAttr(id, "bad", new object()));
        s.SetStudyUserAttr(study, "owner", "me");
        s.SetStudySystemAttr(study, "v", 2);
        Assert.Equal("me", s.GetStudyUserAttrs(study)["owner"]);
        Assert.Equal(2L, s.GetStudySystemAttrs(study)["v"]);
    }

    [Fact]
    public void ParameterKindsAreCheckedAcrossTheStudy()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long t0 = s.CreateTrial(study).TrialId, t1 = s.CreateTrial(study).TrialId;
        s.SetTrialParam(t0, "c", 0, new CategoricalDistribution(["a", "b"]));
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t1, "c", 0, new CategoricalDistribution(["a", "c"])));
        s.SetTrialParam(t0, "x", 0.5, new FloatDistribution(0, 1));
        s.SetTrialParam(t1, "x", 3, new FloatDistribution(0, 4)); // a dynamic range is fine
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t1, "x", 0, new IntDistribution(0, 4)));
    }

    [Fact]
    public void FilteringByStateAndCounting()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long a = s.CreateTrial(study).TrialId;
        s.CreateTrial(study);
        s.CreateTrial(study, new FrozenTrial { State = TrialState.Waiting });
        s.TrySetTrialState(a, TrialState.Running, TrialState.Complete, [1]);
        Assert.Equal(1, s.GetTrialCount(study, [TrialState.Complete]));
        Assert.Equal(2, s.GetTrialCount(study, [TrialState.Running, TrialState.Waiting]));
        Assert.Equal(3, s.GetTrialCount(study));
        Assert.Equal([1, 2], s.GetAllTrials(study, [TrialState.Running, TrialState.Waiting]).Select(t => t.Number));
    }

    [Fact]
    public void StaleTrialsAreThoseWithOldHeartbeats()
    {
        var clock = new OptimizeTests.ManualClock();
        var s = NewStorage(clock);
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        long quiet = s.CreateTrial(study).TrialId;   // never beats: not reported
        long alive = s.CreateTrial(study).TrialId;
        long dead = s.CreateTrial(study).TrialId;
        s.RecordHeartbeat(alive);
        s.RecordHeartbeat(dead);
        clock.Advance(TimeSpan.FromSeconds(50));
        s.RecordHeartbeat(alive);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal([dead], s.GetStaleTrialIds(study, TimeSpan.FromSeconds(60)));
        s.TrySetTrialState(dead, TrialState.Running, TrialState.Failed);
        Assert.Empty(s.GetStaleTrialIds(study, TimeSpan.FromSeconds(60)));
        _ = quiet;
    }

    [Fact]
    public void TemplatesCopyFinishedTrials()
    {
        var s = NewStorage();
        long study = s.CreateStudy("a", [StudyDirection.Minimize]);
        var template = new FrozenTrial
        {
            State = TrialState.Complete,
            Values = [2.0],
            InternalParams = new Dictionary<string, double> { ["x"] = 0.25 },
            Distributions = new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1) },
            IntermediateValues = new Dictionary<int, double> { [0] = 3.0 },
            UserAttrs = new Dictionary<string, object?> { ["u"] = true },
            DatetimeStart = DateTimeOffset.UnixEpoch,
            DatetimeComplete = DateTimeOffset.UnixEpoch.AddSeconds(5),
        };
        var (id, number) = s.CreateTrial(study, template);
        var t = s.GetTrial(id);
        Assert.Equal((0, TrialState.Complete, 2.0, 0.25), (number, t.State, t.Value!.Value, (double)t.Params["x"]!));
        Assert.Equal(TimeSpan.FromSeconds(5), t.Duration);
        Assert.Equal(true, t.UserAttrs["u"]);
    }
}
