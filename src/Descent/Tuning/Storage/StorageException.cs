namespace Descent.Tuning;

/// <summary>
/// A storage could not be opened: a malformed storage URL, an unreachable or refusing database server,
/// a file that is not a study database, or a schema version this build does not read. The message is one
/// line naming the storage (passwords masked) and the cause, ready to print.
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException() { }

    /// <summary>Creates the exception with a message.</summary>
    public StorageException(string message) : base(OneLine(message)) { }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public StorageException(string message, Exception inner) : base(OneLine(message), inner) { }

    /// <summary>The first line of <paramref name="text"/>, trimmed (provider messages often carry details on later lines).</summary>
    internal static string FirstLine(string text)
    {
        int nl = text.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? text : text[..nl]).Trim();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
