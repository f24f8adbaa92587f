namespace Descent.Tuning;

/// <summary>
/// Asynchronous successive halving (Jamieson &amp; Talwalkar 2016; Li et al. 2020, "A System for Massively
/// Parallel Hyperparameter Tuning" — ASHA; Optuna's <c>SuccessiveHalvingPruner</c>). Rung r is reached at
/// step minResource · reductionFactor^(minEarlyStoppingRate + r); a trial reaching it records its value
/// in the system attribute <c>completed_rung_r</c> and continues only if it is within the top
/// 1/reductionFactor of all values recorded at that rung so far (at least the best one continues).
/// No waiting for other trials: that is what makes it asynchronous.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private readonly int _reductionFactor;
    private readonly int _minEarlyStoppingRate;
    private readonly int _bootstrapCount;
    private int _minResource;   // 0 = 'auto', not yet estimated

    /// <summary>Creates the pruner with Optuna's defaults (min resource estimated from the first complete trials).</summary>
    /// <param name="minResource">Steps before the first rung; null is Optuna's 'auto': 1/100 of the longest complete trial, at least 1.</param>
    /// <param name="reductionFactor">Keep the top 1/reductionFactor at each rung (≥ 2).</param>
    /// <param name="minEarlyStoppingRate">Rungs skipped before the first pruning decision.</param>
    /// <param name="bootstrapCount">Prune unless more than this many trials reached the rung (needs an explicit minResource).</param>
    public SuccessiveHalvingPruner(int? minResource = null, int reductionFactor = 4, int minEarlyStoppingRate = 0, int bootstrapCount = 0)
    {
        if (minResource is < 1) throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "minResource must be >= 1, or null for 'auto'");
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionFactor, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(minEarlyStoppingRate);
        ArgumentOutOfRangeException.ThrowIfNegative(bootstrapCount);
        if (bootstrapCount > 0 && minResource is null)
            throw new ArgumentException("bootstrapCount > 0 needs an explicit minResource (as in Optuna)", nameof(bootstrapCount));
        _minResource = minResource ?? 0;
        _reductionFactor = reductionFactor;
        _minEarlyStoppingRate = minEarlyStoppingRate;
        _bootstrapCount = bootstrapCount;
    }

    /// <summary>System attribute recording a trial's value at rung <paramref name="rung"/>.</summary>
    public static string RungKey(int rung) => "completed_rung_" + rung.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial) => Prune(study, trial, null);

    /// <summary>As <see cref="Prune(Study, FrozenTrial)"/>, competing only against trials accepted by <paramref name="peers"/> (a Hyperband bracket).</summary>
    internal bool Prune(Study study, FrozenTrial trial, Func<FrozenTrial, bool>? peers)
    {
        var direction = PrunerMath.SingleDirection(study, nameof(SuccessiveHalvingPruner));
        if (trial.IntermediateValues.Count == 0) return false;
        int step = trial.IntermediateValues.Keys.Max();
        int rung = 0;
        while (trial.SystemAttrs.ContainsKey(RungKey(rung))) rung++;
        double value = trial.IntermediateValues[step];
        IReadOnlyList<FrozenTrial>? trials = null;
        IReadOnlyList<FrozenTrial> Trials() => trials ??= peers is null ? study.Trials : study.Trials.Where(peers).ToList();

        while (true)
        {
            if (_minResource == 0)
            {
                int? estimate = EstimateMinResource(Trials());
                if (estimate is null) return false;
                _minResource = estimate.Value;
            }
            double promotionStep = _minResource * Math.Pow(_reductionFactor, _minEarlyStoppingRate + rung);
            if (step < promotionStep) return false;
            if (double.IsNaN(value)) return true;

            var all = Trials();
            string key = RungKey(rung);
            study.Storage.SetTrialSystemAttr(trial.TrialId, key, value);
            var competing = new List<double>();
            foreach (var t in all)
                if (t.TrialId != trial.TrialId && t.SystemAttrs.TryGetValue(key, out var v) && v is double d) competing.Add(d);
            competing.Add(value);
            if (competing.Count <= _bootstrapCount) return true;
            if (!IsPromotable(value, competing, _reductionFactor, direction)) return true;
            rung++;
        }
    }

    // Optuna's _estimate_min_resource: 1% of the longest complete trial, at least one step.
    private static int? EstimateMinResource(IReadOnlyList<FrozenTrial> trials)
    {
        int? last = null;
        foreach (var t in trials)
            if (t.State == TrialState.Complete && t.LastStep is int s && (last is null || s > last)) last = s;
        return last is int l ? Math.Max(l / 100, 1) : null;
    }

    // The value must rank within the first ⌊n/η⌋ (at least the first) of the sorted rung values.
    private static bool IsPromotable(double value, List<double> competing, int reductionFactor, StudyDirection direction)
    {
        int index = competing.Count / reductionFactor - 1;
        if (index == -1) index = 0;
        competing.Sort();
        return direction == StudyDirection.Maximize
            ? value >= competing[competing.Count - 1 - index]
            : value <= competing[index];
    }
}
