using Descent.Tuning;

namespace Descent.Search.Studies;

/// <summary>
/// The trial loop shared by <c>descent tune</c> (<see cref="StudyRunner"/>) and <c>descent search</c>: runs trials of
/// an objective until the budget of the study file (or the command line's override of it) is spent;
/// cancellation stops the study after the running trials.
/// </summary>
public static class StudyLoop
{
    /// <summary>Runs the study.</summary>
    /// <exception cref="ArgumentException">Neither a trial count nor a timeout is known, so the study would never end.</exception>
    public static void Optimize(Study study, StudySpec spec, string file, Func<Trial, CancellationToken, double[]> objective, int? trials = null,
        TimeSpan? timeout = null, int? jobs = null, Action<Study, FrozenTrial>? onTrialEnd = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(objective);
        trials ??= spec.Trials;
        timeout ??= spec.Timeout;
        if (trials is null && timeout is null)
            throw new ArgumentException($"{file}: study: give trials or timeout (or --trials/--timeout), or the study never ends.");
        using var stop = cancellationToken.Register(study.Stop);
        study.Optimize(t => objective(t, cancellationToken), trials, timeout, jobs ?? spec.Jobs,
            callbacks: onTrialEnd is null ? null : [onTrialEnd]);
    }
}
