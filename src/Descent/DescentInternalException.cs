namespace Descent;

/// <summary>
/// A failure inside Descent that no input should be able to cause: a kernel handed buffers of the wrong length by the
/// op that sized them, a broken invariant, a "can't happen" branch. It is a bug in Descent, not in the caller's data or
/// options, so the CLI prints it as a bug report with the stack trace (exit code 2) instead of a one-line user error.
/// </summary>
/// <remarks>
/// It lives in the root namespace, below every layer, because every layer needs it, including Tuning and Reports,
/// which import nothing else of Descent's. It derives from <see cref="Exception"/> only, on purpose: handlers written
/// for bad input (<see cref="ArgumentException"/>, <see cref="InvalidOperationException"/>) must not catch it and
/// report a bug as if the user had made a mistake.
/// </remarks>
public sealed class DescentInternalException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public DescentInternalException() : base("internal error in Descent") { }

    /// <summary>Creates the exception; <paramref name="message"/> names the check that failed and the values seen.</summary>
    public DescentInternalException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the failure that revealed the bug.</summary>
    public DescentInternalException(string message, Exception innerException) : base(message, innerException) { }
}
