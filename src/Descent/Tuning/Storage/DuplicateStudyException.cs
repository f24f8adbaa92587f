namespace Descent.Tuning;

/// <summary>Thrown when creating a study whose name is already taken (Optuna's <c>DuplicatedStudyError</c>).</summary>
public sealed class DuplicateStudyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateStudyException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DuplicateStudyException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public DuplicateStudyException(string message, Exception inner) : base(message, inner) { }
}
