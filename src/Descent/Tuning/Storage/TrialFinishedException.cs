namespace Descent.Tuning;

/// <summary>Thrown when modifying a trial that is already Complete, Pruned or Failed (Optuna's <c>UpdateFinishedTrialError</c>).</summary>
public sealed class TrialFinishedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TrialFinishedException() { }

    /// <summary>Creates the exception with a message.</summary>
    public TrialFinishedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public TrialFinishedException(string message, Exception inner) : base(message, inner) { }
}
