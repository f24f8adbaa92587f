namespace Descent.Tuning;

/// <summary>Shared step and percentile arithmetic of the pruners, following Optuna's helpers.</summary>
internal static class PrunerMath
{
    /// <summary>
    /// Optuna's <c>_is_first_in_interval_step</c>: true when <paramref name="step"/> is the first reported
    /// step at or after the latest pruning point warmup + k·interval, so a trial is judged at most once per interval.
    /// </summary>
    public static bool IsFirstInIntervalStep(int step, IEnumerable<int> reportedSteps, int warmupSteps, int intervalSteps)
    {
        int nearestLowerPruningStep = (step - warmupSteps) / intervalSteps * intervalSteps + warmupSteps;
        int secondLast = -1;
        foreach (var s in reportedSteps)
            if (s > secondLast && s != step) secondLast = s;
        return secondLast < nearestLowerPruningStep;
    }

    /// <summary>numpy's <c>nanpercentile</c> with linear interpolation; NaN when no value is a number.</summary>
    public static double NanPercentile(List<double> values, double percentile)
    {
        var finite = values.Where(v => !double.IsNaN(v)).ToArray();
        if (finite.Length == 0) return double.NaN;
        Array.Sort(finite);
        double rank = percentile / 100.0 * (finite.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, finite.Length - 1);
        double frac = rank - lo;
        // numpy's lerp form a + (b − a)·t keeps ±∞ inputs well-defined when t = 0.
        return frac == 0 ? finite[lo] : finite[lo] + (finite[hi] - finite[lo]) * frac;
    }

    /// <summary>Best (min or max, NaN-ignoring) intermediate value over all steps; NaN when all are NaN.</summary>
    public static double BestIntermediate(FrozenTrial trial, StudyDirection direction)
    {
        double best = double.NaN;
        foreach (var v in trial.IntermediateValues.Values)
        {
            if (double.IsNaN(v)) continue;
            if (double.IsNaN(best) || (direction == StudyDirection.Maximize ? v > best : v < best)) best = v;
        }
        return best;
    }

    public static StudyDirection SingleDirection(Study study, string pruner) =>
        study.IsMultiObjective
            ? throw new InvalidOperationException($"{pruner} prunes single-objective studies; use ParetoPruner for multi-objective ones")
            : study.Direction;
}
