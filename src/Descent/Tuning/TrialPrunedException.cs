namespace Descent.Tuning;

/// <summary>
/// Thrown by an objective after <see cref="Trial.ShouldPrune"/> returned true (Optuna's <c>TrialPruned</c>):
/// the study marks the trial Pruned with its last reported value(s).
/// </summary>
public sealed class TrialPrunedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialPrunedException() : base("trial was pruned") { }

    /// <summary>Creates the exception with a message.</summary>
    public TrialPrunedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public TrialPrunedException(string message, Exception inner) : base(message, inner) { }
}
