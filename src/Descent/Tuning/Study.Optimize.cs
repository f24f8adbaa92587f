using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Descent.Tuning;

public sealed partial class Study
{
    /// <summary>System attribute of a retried trial: the number of the dead trial it repeats.</summary>
    public const string FailedTrialKey = "failed_trial";

    /// <summary>System attribute of a retried trial: the numbers of all earlier attempts, oldest first.</summary>
    public const string RetryHistoryKey = "retry_history";

    private readonly Lock _askLock = new();
    private volatile bool _stopRequested;

    /// <summary>
    /// Runs a single-objective <paramref name="objective"/> for <paramref name="nTrials"/> trials in total
    /// and/or until <paramref name="timeout"/> (checked before each trial), on <paramref name="nJobs"/>
    /// threads (−1: one per core). An exception fails its trial and the study goes on when its type is in
    /// <paramref name="catch"/>; a null <paramref name="catch"/> catches every exception (an empty one none,
    /// as in Optuna, rethrowing after the trial is failed). NaN/∞ results fail the trial;
    /// <see cref="TrialPrunedException"/> prunes it. <paramref name="callbacks"/> run after each trial.
    /// </summary>
    public void Optimize(Func<Trial, double> objective, int? nTrials = null, TimeSpan? timeout = null, int nJobs = 1,
        IReadOnlyCollection<Type>? @catch = null, IReadOnlyList<Action<Study, FrozenTrial>>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        OptimizeCore(t => [objective(t)], nTrials, timeout, nJobs, @catch, callbacks);
    }

    /// <summary>Runs a multi-objective <paramref name="objective"/> (one value per direction); otherwise as the single-objective overload.</summary>
    public void Optimize(Func<Trial, double[]> objective, int? nTrials = null, TimeSpan? timeout = null, int nJobs = 1,
        IReadOnlyCollection<Type>? @catch = null, IReadOnlyList<Action<Study, FrozenTrial>>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        OptimizeCore(objective, nTrials, timeout, nJobs, @catch, callbacks);
    }

    private void OptimizeCore(Func<Trial, double[]> objective, int? nTrials, TimeSpan? timeout, int nJobs,
        IReadOnlyCollection<Type>? catchTypes, IReadOnlyList<Action<Study, FrozenTrial>>? callbacks)
    {
        if (nTrials is < 0) throw new ArgumentOutOfRangeException(nameof(nTrials), nTrials, "nTrials must be >= 0");
        if (timeout is { } to && to < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "timeout must be >= 0");
        if (nJobs == -1) nJobs = Environment.ProcessorCount;
        if (nJobs < 1) throw new ArgumentOutOfRangeException(nameof(nJobs), nJobs, "nJobs must be >= 1, or -1 for one per core");
        _stopRequested = false;
        var clock = Stopwatch.StartNew();
        int started = 0;

        void Worker()
        {
            while (!_stopRequested)
            {
                if (nTrials is int n && Interlocked.Increment(ref started) > n) return;
                if (timeout is { } t && clock.Elapsed >= t) return;
                Trial trial;
                lock (_askLock)
                {
                    // The exhaustion check and the claim happen under one lock so that the threads of
                    // this process never over-draw a finite sampler (a grid).
                    if (Sampler is IFiniteSampler finite && finite.IsExhausted(this)) { Stop(); return; }
                    try { trial = Ask(); }
                    catch (SamplerExhaustedException) { return; }
                }
                var frozen = RunTrial(trial, objective, catchTypes);
                if (callbacks is not null)
                    foreach (var cb in callbacks) cb(this, frozen);
            }
        }

        if (nJobs == 1)
        {
            Worker();
            return;
        }
        var tasks = new Task[nJobs];
        for (int i = 0; i < nJobs; i++)
            tasks[i] = Task.Factory.StartNew(() =>
            {
                try { Worker(); }
                catch { Stop(); throw; }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
    }

    private FrozenTrial RunTrial(Trial trial, Func<Trial, double[]> objective, IReadOnlyCollection<Type>? catchTypes)
    {
        // A beat that fails (trial finished meanwhile, a database hiccup) is simply retried at the next interval:
        // an exception escaping a timer callback would kill the worker process, which is what heartbeats guard against.
        using var beat = _heartbeat is null ? null : new Timer(
            static s => { var (st, id) = ((IStudyStorage, long))s!; try { st.RecordHeartbeat(id); } catch (Exception) { } },
            (Storage, trial.TrialId), _heartbeat.Interval, _heartbeat.Interval);

        double[]? values = null;
        Exception? rethrow = null;
        string? failReason = null;
        TrialState state = TrialState.Complete;
        try
        {
            values = objective(trial);
        }
        catch (TrialPrunedException)
        {
            state = TrialState.Pruned;
        }
        catch (Exception e)
        {
            state = TrialState.Failed;
            failReason = $"{e.GetType().Name}: {e.Message}";
            bool caught = catchTypes is null || catchTypes.Any(t => t.IsInstanceOfType(e));
            if (!caught) rethrow = e;
        }
        beat?.Dispose();

        FrozenTrial frozen = state == TrialState.Complete && values is null
            ? TellCore(trial.TrialId, TrialState.Failed, null, "the objective returned null", true)
            : TellCore(trial.TrialId, state, values, failReason, true);
        if (rethrow is not null) ExceptionDispatchInfo.Capture(rethrow).Throw();
        return frozen;
    }

    /// <summary>
    /// Fails running trials whose worker stopped sending heartbeats (Optuna's <c>fail_stale_trials</c>) and,
    /// when <see cref="HeartbeatOptions.MaxRetry"/> allows, re-enqueues each with its parameters fixed.
    /// Called automatically by <see cref="Ask"/> when heartbeats are enabled. Returns the failed trials.
    /// </summary>
    public IReadOnlyList<FrozenTrial> FailStaleTrials()
    {
        if (_heartbeat is null) return [];
        var failed = new List<FrozenTrial>();
        foreach (var id in Storage.GetStaleTrialIds(StudyId, _heartbeat.GracePeriod))
        {
            // Compare-and-set: when several workers notice the same dead trial, only one fails (and retries) it.
            if (!Storage.TrySetTrialState(id, TrialState.Running, TrialState.Failed)) continue;
            var dead = Storage.GetTrial(id);
            failed.Add(dead);
            if (_heartbeat.MaxRetry is int maxRetry) Retry(dead, maxRetry);
        }
        return failed;
    }

    private void Retry(FrozenTrial dead, int maxRetry)
    {
        // Optuna's RetryFailedTrialCallback: the copy remembers the first trial and the attempts so far.
        var history = dead.SystemAttrs.TryGetValue(RetryHistoryKey, out var h) && h is IReadOnlyList<object?> list
            ? list.ToList() : [];
        if (history.Count >= maxRetry) return;
        history.Add((long)dead.Number);
        long first = dead.SystemAttrs.TryGetValue(FailedTrialKey, out var f) && f is long fl ? fl : dead.Number;
        var template = new FrozenTrial
        {
            State = TrialState.Waiting,
            UserAttrs = dead.UserAttrs,
            SystemAttrs = new Dictionary<string, object?>
            {
                [Trial.FixedParamsKey] = dead.Params,
                [FailedTrialKey] = first,
                [RetryHistoryKey] = history,
            },
        };
        Storage.CreateTrial(StudyId, template);
    }
}
