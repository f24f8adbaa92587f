namespace Descent.Tuning;

/// <summary>
/// A sampler proposes parameter values, in the internal representation, from the finished trials it
/// reads through the study (Optuna's <c>BaseSampler</c> split). Per trial the study calls
/// <see cref="BeforeTrial"/>, then on the first suggestion <see cref="InferRelativeSearchSpace"/> and
/// <see cref="SampleRelative"/> (joint sampling of the parameters known from earlier trials), then
/// <see cref="SampleIndependent"/> for every parameter the relative sample does not cover, and
/// <see cref="AfterTrial"/> just before the trial is finished. Samplers only see
/// <see cref="FrozenTrial"/>s, never the objective, so many workers sharing one storage can each run
/// their own sampler. Implementations must tolerate calls from several threads (nJobs &gt; 1).
/// </summary>
public interface ISampler
{
    /// <summary>The parameters to sample jointly for <paramref name="trial"/>; empty for purely independent samplers.</summary>
    IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial);

    /// <summary>Joint sample over <paramref name="searchSpace"/>; may return a subset (or nothing) of its keys.</summary>
    IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace);

    /// <summary>Samples one parameter on its own; returns an internal value contained in <paramref name="distribution"/>.</summary>
    double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution);

    /// <summary>Called once a trial is claimed, before any suggestion (e.g. to assign a grid point).</summary>
    void BeforeTrial(Study study, FrozenTrial trial) { }

    /// <summary>Called with the final state and values just before the trial is finished in storage.</summary>
    void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) { }
}

/// <summary>A sampler with a finite set of configurations (e.g. a grid): the study stops once it is exhausted.</summary>
public interface IFiniteSampler : ISampler
{
    /// <summary>Whether every configuration is already claimed by a trial of <paramref name="study"/>.</summary>
    bool IsExhausted(Study study);
}

/// <summary>Thrown by <see cref="ISampler.BeforeTrial"/> when a finite sampler has no configuration left for the trial.</summary>
public sealed class SamplerExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SamplerExhaustedException() { }

    /// <summary>Creates the exception with a message.</summary>
    public SamplerExhaustedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SamplerExhaustedException(string message, Exception inner) : base(message, inner) { }
}
