namespace Descent.Tuning;

/// <summary>Life-cycle state of a trial (Optuna's <c>TrialState</c>; <c>FAIL</c> is <see cref="Failed"/>).</summary>
public enum TrialState
{
    /// <summary>Claimed by a worker and being evaluated.</summary>
    Running,

    /// <summary>Finished with valid objective value(s).</summary>
    Complete,

    /// <summary>Stopped early by a pruner; keeps its last intermediate value(s) as value(s).</summary>
    Pruned,

    /// <summary>The objective threw, returned NaN/∞, or its worker died.</summary>
    Failed,

    /// <summary>Enqueued, not yet claimed by any worker.</summary>
    Waiting,
}

/// <summary>Helpers on <see cref="TrialState"/>.</summary>
public static class TrialStateExtensions
{
    /// <summary>True for Complete, Pruned and Failed: states a trial never leaves.</summary>
    public static bool IsFinished(this TrialState state) =>
        state is TrialState.Complete or TrialState.Pruned or TrialState.Failed;
}
