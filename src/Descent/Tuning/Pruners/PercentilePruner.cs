namespace Descent.Tuning;

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the
/// Complete trials' values at the same step (Optuna's <c>PercentilePruner</c>). Nothing is pruned before
/// <c>nStartupTrials</c> trials completed, before step <c>nWarmupSteps</c>, off the interval grid, or
/// when fewer than <c>nMinTrials</c> trials reported the step. A NaN-only history prunes.
/// </summary>
public class PercentilePruner : IPruner
{
    private readonly double _percentile;
    private readonly int _nStartupTrials;
    private readonly int _nWarmupSteps;
    private readonly int _intervalSteps;
    private readonly int _nMinTrials;

    /// <summary>Creates the pruner (percentile in [0, 100]; 25 keeps the top quarter when minimizing).</summary>
    public PercentilePruner(double percentile, int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    {
        if (!(percentile >= 0 && percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be in [0, 100]");
        ArgumentOutOfRangeException.ThrowIfNegative(nStartupTrials);
        ArgumentOutOfRangeException.ThrowIfNegative(nWarmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nMinTrials, 1);
        _percentile = percentile;
        _nStartupTrials = nStartupTrials;
        _nWarmupSteps = nWarmupSteps;
        _intervalSteps = intervalSteps;
        _nMinTrials = nMinTrials;
    }

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial)
    {
        var direction = PrunerMath.SingleDirection(study, GetType().Name);
        var completed = study.GetTrials(TrialState.Complete);
        if (completed.Count == 0 || completed.Count < _nStartupTrials) return false;
        if (trial.IntermediateValues.Count == 0) return false;
        int step = trial.IntermediateValues.Keys.Max();
        if (step < _nWarmupSteps) return false;
        if (!PrunerMath.IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, _nWarmupSteps, _intervalSteps)) return false;

        double best = PrunerMath.BestIntermediate(trial, direction);
        if (double.IsNaN(best)) return true;

        var atStep = new List<double>();
        foreach (var t in completed)
            if (t.IntermediateValues.TryGetValue(step, out var v)) atStep.Add(v);
        if (atStep.Count < _nMinTrials) return false;
        // For maximization the q-th best is the (100 − q)-th percentile.
        double p = PrunerMath.NanPercentile(atStep, direction == StudyDirection.Maximize ? 100 - _percentile : _percentile);
        if (double.IsNaN(p)) return false;
        return direction == StudyDirection.Maximize ? best < p : best > p;
    }
}
