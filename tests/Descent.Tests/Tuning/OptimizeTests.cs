using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class OptimizeTests
{
    private static Study NewStudy(ISampler? sampler = null, IPruner? pruner = null) =>
        Study.Create(new StudyOptions { Sampler = sampler ?? new RandomSampler(0), Pruner = pruner });

    [Fact]
    public void FailingObjectivesFailTheirTrialAndTheStudyGoesOn()
    {
        var study = NewStudy();
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", 0, 1);
            if (t.Number % 3 == 0) throw new InvalidOperationException("boom");
            return t.Number % 3 == 1 ? double.NaN : x;
        }, nTrials: 9);
        var trials = study.Trials;
        Assert.Equal(9, trials.Count);
        Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));
        Assert.All(trials.Where(t => t.Number % 3 == 0), t =>
        {
            Assert.Equal(TrialState.Failed, t.State);
            Assert.Equal("InvalidOperationException: boom", t.SystemAttrs[Study.FailReasonKey]);
        });
        Assert.All(trials.Where(t => t.Number % 3 == 1), t => Assert.Equal(TrialState.Failed, t.State));
    }

    [Fact]
    public void UncaughtExceptionTypesFailTheTrialAndPropagate()
    {
        var study = NewStudy();
        Assert.Throws<FormatException>(() => study.Optimize(t =>
        {
            if (t.Number == 2) throw new FormatException("bad");
            if (t.Number == 1) throw new InvalidOperationException("caught");
            return 1.0;
        }, nTrials: 10, @catch: [typeof(InvalidOperationException)]));
        Assert.Equal(3, study.Trials.Count);
        Assert.Equal(TrialState.Failed, study.Trials[2].State);
        Assert.Equal(TrialState.Failed, study.Trials[1].State);
    }

    [Fact]
    public void TwoJobsRunExactlyNTrialsWithDistinctNumbers()
    {
        var study = NewStudy();
        int calls = 0;
        study.Optimize(t =>
        {
            Interlocked.Increment(ref calls);
            double x = t.SuggestFloat("x", -5, 5);
            Thread.SpinWait(2000);
            return x * x;
        }, nTrials: 40, nJobs: 2);
        Assert.Equal(40, calls);
        Assert.Equal(Enumerable.Range(0, 40), study.Trials.Select(t => t.Number).Order());
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void PrunedExceptionMarksTheTrialPruned()
    {
        var study = NewStudy(pruner: new ThresholdPrunerForTest());
        study.Optimize(t =>
        {
            for (int step = 0; step < 5; step++)
            {
                t.Report(10.0 - step, step);
                if (t.ShouldPrune()) throw new TrialPrunedException();
            }
            return 0.0;
        }, nTrials: 2);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Pruned, t.State));
        Assert.Equal(8.0, study.Trials[0].Value); // pruned at step 2 by the test pruner
    }

    private sealed class ThresholdPrunerForTest : IPruner
    {
        public bool Prune(Study study, FrozenTrial trial) => trial.LastStep >= 2;
    }

    [Fact]
    public void CallbacksSeeEveryFinishedTrialAndCanStopTheStudy()
    {
        var study = NewStudy();
        var seen = new List<int>();
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 100, callbacks:
        [
            (s, f) => { seen.Add(f.Number); if (f.Number == 4) s.Stop(); },
        ]);
        Assert.Equal([0, 1, 2, 3, 4], seen);
        study.Optimize(t => 1.0, nTrials: 2); // Stop only affects the running loop
        Assert.Equal(7, study.Trials.Count);
    }

    [Fact]
    public void TimeoutStopsStartingTrials()
    {
        var study = NewStudy();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        study.Optimize(t => { Thread.Sleep(20); return 1.0; }, timeout: TimeSpan.FromMilliseconds(100));
        Assert.InRange(study.Trials.Count, 1, 10);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void MultiObjectiveOptimize()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], Sampler = new RandomSampler(3) });
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", 0, 1);
            return [x, 1 - x];
        }, nTrials: 20);
        Assert.Equal(20, study.BestTrials.Count); // every point of x ↦ (x, 1−x) is Pareto-optimal
    }

    [Fact]
    public void DeadWorkersAreFailedAndRetried()
    {
        var clock = new ManualClock();
        var storage = new InMemoryStorage(clock);
        var options = new StudyOptions { Storage = storage, StudyName = "hb", Sampler = new RandomSampler(0), Heartbeat = new HeartbeatOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), maxRetry: 1) };
        var study = Study.Create(options);
        var dead = study.Ask();
        double x = dead.SuggestFloat("x", 0, 1);
        clock.Advance(TimeSpan.FromSeconds(31));

        var next = study.Ask(); // fails the dead trial, enqueues its retry and claims it
        Assert.Equal(TrialState.Failed, study.Trials[0].State);
        Assert.Equal(1, next.Number);
        Assert.Equal(x, next.SuggestFloat("x", 0, 1));
        Assert.Equal(0L, next.Snapshot.SystemAttrs[Study.FailedTrialKey]);
        study.Tell(next, 1.0);

        var again = study.Ask();
        again.SuggestFloat("x", 0, 1);
        clock.Advance(TimeSpan.FromSeconds(31));
        var failed = study.FailStaleTrials();
        Assert.Single(failed);
        Assert.Equal(TrialState.Waiting, study.Trials[^1].State); // retried once (history [2])
        Assert.Throws<TrialFinishedException>(() => study.Tell(again, 1.0));
    }

    [Fact]
    public void RunningTrialsKeepBeatingWhileTheObjectiveRuns()
    {
        var clock = new ManualClock();
        var storage = new InMemoryStorage(clock);
        var study = Study.Create(new StudyOptions { Storage = storage, Sampler = new RandomSampler(0), Heartbeat = new HeartbeatOptions(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(30)) });
        bool sawFreshBeat = true;
        study.Optimize(t =>
        {
            for (int round = 0; round < 3; round++)
            {
                clock.Advance(TimeSpan.FromSeconds(40)); // older than the grace period...
                var deadline = DateTime.UtcNow.AddSeconds(20);
                // ...until the heartbeat timer records a beat at the new time.
                while (storage.GetStaleTrialIds(study.StudyId, TimeSpan.FromSeconds(30)).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(2);
                sawFreshBeat &= storage.GetStaleTrialIds(study.StudyId, TimeSpan.FromSeconds(30)).Count == 0;
            }
            return 1.0;
        }, nTrials: 1);
        Assert.True(sawFreshBeat);
        Assert.Equal(TrialState.Complete, study.Trials[0].State);
    }

    internal sealed class ManualClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
