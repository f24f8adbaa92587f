using System.Diagnostics;

namespace Descent.Tuning;

/// <summary>
/// Wraps a sampler and accumulates the wall time spent inside it (every <see cref="ISampler"/> call,
/// including the trials the sampler reads from storage), so a benchmark can separate the sampler's
/// overhead from the rest of a trial. bench/compare/tuning.py wraps Optuna's samplers the same way.
/// Another clock (e.g. the thread's CPU time, which leaves out the time a loaded machine gives to other processes)
/// can replace <see cref="Stopwatch"/>, in its tick units.
/// </summary>
public sealed class TimedSampler : ISampler
{
    private readonly ISampler _inner;
    private readonly Func<long> _clock;
    private long _ticks;

    /// <summary>Wraps <paramref name="inner"/>, timing with <paramref name="clock"/> (<see cref="Stopwatch"/> ticks; default: <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public TimedSampler(ISampler inner, Func<long>? clock = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _clock = clock ?? Stopwatch.GetTimestamp;
    }

    /// <summary>Total time spent in the wrapped sampler so far.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    /// <summary>Total <see cref="Stopwatch"/> ticks spent in the wrapped sampler so far.</summary>
    public long ElapsedTicks => Interlocked.Read(ref _ticks);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        long t0 = _clock();
        try { return _inner.InferRelativeSearchSpace(study, trial); }
        finally { Interlocked.Add(ref _ticks, _clock() - t0); }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        long t0 = _clock();
        try { return _inner.SampleRelative(study, trial, searchSpace); }
        finally { Interlocked.Add(ref _ticks, _clock() - t0); }
    }

    /// <inheritdoc />
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        long t0 = _clock();
        try { return _inner.SampleIndependent(study, trial, paramName, distribution); }
        finally { Interlocked.Add(ref _ticks, _clock() - t0); }
    }

    /// <inheritdoc />
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        long t0 = _clock();
        try { _inner.BeforeTrial(study, trial); }
        finally { Interlocked.Add(ref _ticks, _clock() - t0); }
    }

    /// <inheritdoc />
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        long t0 = _clock();
        try { _inner.AfterTrial(study, trial, state, values); }
        finally { Interlocked.Add(ref _ticks, _clock() - t0); }
    }
}
