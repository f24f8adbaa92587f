namespace Descent.Tuning;

/// <summary>
/// Waits until a trial has not improved by more than <c>minDelta</c> for <c>patience</c> consecutive
/// reports, then defers to a wrapped pruner, or prunes when there is none (Optuna's <c>PatientPruner</c>,
/// an early-stopping patience for pruning).
/// </summary>
public sealed class PatientPruner : IPruner
{
    private readonly IPruner? _wrapped;
    private readonly int _patience;
    private readonly double _minDelta;

    /// <summary>Creates the pruner.</summary>
    public PatientPruner(IPruner? wrapped, int patience, double minDelta = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be >= 0");
        _wrapped = wrapped;
        _patience = patience;
        _minDelta = minDelta;
    }

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial)
    {
        var values = trial.IntermediateValues; // ascending by step
        if (values.Count <= _patience + 1) return false;
        var direction = PrunerMath.SingleDirection(study, nameof(PatientPruner));
        bool max = direction == StudyDirection.Maximize;
        // Best before the patience window versus best inside it (the last patience + 1 reports), NaN-ignoring.
        double before = double.NaN, after = double.NaN;
        int split = values.Count - _patience - 1, i = 0;
        foreach (var v in values.Values)
        {
            if (!double.IsNaN(v))
            {
                if (i < split) before = double.IsNaN(before) ? v : (max ? Math.Max(before, v) : Math.Min(before, v));
                else after = double.IsNaN(after) ? v : (max ? Math.Max(after, v) : Math.Min(after, v));
            }
            i++;
        }
        // numpy's comparison with NaN is false: an all-NaN window never triggers.
        bool stalled = max ? before - _minDelta > after : before + _minDelta < after;
        if (!stalled) return false;
        return _wrapped?.Prune(study, trial) ?? true;
    }
}
