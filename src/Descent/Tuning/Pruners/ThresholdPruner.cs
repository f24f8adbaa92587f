namespace Descent.Tuning;

/// <summary>
/// Prunes a trial whose latest intermediate value leaves [lower, upper] or is NaN (Optuna's
/// <c>ThresholdPruner</c>), after <c>nWarmupSteps</c> and once per interval of <c>intervalSteps</c>.
/// </summary>
public sealed class ThresholdPruner : IPruner
{
    private readonly double _lower, _upper;
    private readonly int _nWarmupSteps, _intervalSteps;

    /// <summary>Creates the pruner; at least one bound must be given.</summary>
    public ThresholdPruner(double? lower = null, double? upper = null, int nWarmupSteps = 0, int intervalSteps = 1)
    {
        if (lower is null && upper is null) throw new ArgumentException("give lower, upper or both");
        _lower = lower ?? double.NegativeInfinity;
        _upper = upper ?? double.PositiveInfinity;
        if (double.IsNaN(_lower) || double.IsNaN(_upper)) throw new ArgumentException("bounds must not be NaN");
        if (_lower > _upper) throw new ArgumentException($"lower {_lower} > upper {_upper}");
        ArgumentOutOfRangeException.ThrowIfNegative(nWarmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSteps, 1);
        _nWarmupSteps = nWarmupSteps;
        _intervalSteps = intervalSteps;
    }

    /// <inheritdoc />
    public bool Prune(Study study, FrozenTrial trial)
    {
        if (trial.IntermediateValues.Count == 0) return false;
        int step = trial.IntermediateValues.Keys.Max();
        if (step < _nWarmupSteps) return false;
        if (!PrunerMath.IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, _nWarmupSteps, _intervalSteps)) return false;
        double v = trial.IntermediateValues[step];
        return double.IsNaN(v) || v < _lower || v > _upper;
    }
}
