namespace Descent.Tuning;

/// <summary>
/// Pruning for multi-objective studies (also valid for single-objective ones). At the trial's latest
/// reported step s, with its intermediate vector v (reported by <see cref="Trial.Report(IReadOnlyList{double}, int)"/>):
/// <list type="number">
/// <item>take the Complete trials that reported a vector at the same step s (at least <c>nMinTrials</c>
/// of them, else no pruning);</item>
/// <item>for each objective i, the reference value r_i is the q-quantile of those trials' i-th values,
/// taken from the good end: for a minimized objective the q-quantile, for a maximized one the
/// (1 − q)-quantile (linear interpolation between order statistics, numpy's default; NaNs ignored);</item>
/// <item>prune when the reference point r Pareto-dominates v: r is no worse than v in every objective
/// and strictly better in one.</item>
/// </list>
/// So q is the fraction of trials better than the reference in each objective: with one objective this
/// is exactly <see cref="PercentilePruner"/> at percentile 100·q applied to the latest value, and a smaller q
/// (a stronger reference) prunes more. A NaN in v prunes. As with the percentile pruner nothing is pruned
/// before <c>nStartupTrials</c> complete trials, before step <c>nWarmupSteps</c>, or off the interval grid.
/// </summary>
public sealed class ParetoPruner : IPruner
{
    private readonly double _quantile;
    private readonly int _nStartupTrials, _nWarmupSteps, _intervalSteps, _nMinTrials;

    /// <summary>Creates the pruner; <paramref name="quantile"/> in [0, 1], 0.5 compares with the per-objective medians.</summary>
    public ParetoPruner(double quantile = 0.5, int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    {
        if (!(quantile >= 0 && quantile <= 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must be in [0, 1]");
        ArgumentOutOfRangeException.ThrowIfNegative(nStartupTrials);
        ArgumentOutOfRangeException.ThrowIfNegative(nWarmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nMinTrials, 1);
        _quantile = quantile;
        _nStartupTrials = nStartupTrials;
        _nWarmupSteps = nWarmupSteps;
        _intervalSteps = intervalSteps;
        _nMinTrials = nMinTrials;
    }

    /// <summary>The reference point at <paramref name="step"/>, or null when fewer than <c>nMinTrials</c> complete trials reported it.</summary>
    public double[]? ReferencePoint(Study study, int step)
    {
        var directions = study.Directions;
        var columns = new List<double>[directions.Count];
        for (int i = 0; i < columns.Length; i++) columns[i] = [];
        int count = 0;
        foreach (var t in study.GetTrials(TrialState.Complete))
        {
            if (VectorAt(t, step, directions.Count) is not { } u) continue;
            for (int i = 0; i < columns.Length; i++) columns[i].Add(u[i]);
            count++;
        }
        if (count < _nMinTrials) return null;
        var r = new double[directions.Count];
        for (int i = 0; i < r.Length; i++)
        {
            double q = directions[i] == StudyDirection.Minimize ? _quantile : 1 - _quantile;
            r[i] = PrunerMath.NanPercentile(columns[i], 100 * q);
        }
        return r;
    }

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial)
    {
        int objectives = study.Directions.Count;
        if (trial.LastStep is not int step) return false;
        var steps = objectives == 1 ? trial.IntermediateValues.Keys : trial.IntermediateVectors.Keys;
        if (VectorAt(trial, step, objectives) is not { } v) return false;
        if (study.Storage.GetTrialCount(study.StudyId, [TrialState.Complete]) is var n && (n == 0 || n < _nStartupTrials)) return false;
        if (step < _nWarmupSteps) return false;
        if (!PrunerMath.IsFirstInIntervalStep(step, steps, _nWarmupSteps, _intervalSteps)) return false;
        if (v.Any(double.IsNaN)) return true;
        if (ReferencePoint(study, step) is not { } r || r.Any(double.IsNaN)) return false;
        return ParetoFront.Dominates(r, v, study.Directions);
    }

    private static IReadOnlyList<double>? VectorAt(FrozenTrial t, int step, int objectives)
    {
        if (objectives == 1) return t.IntermediateValues.TryGetValue(step, out var x) ? [x] : null;
        return t.IntermediateVectors.TryGetValue(step, out var v) && v.Count == objectives ? v : null;
    }
}
