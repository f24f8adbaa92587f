using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Descent.Cli;

/// <summary>
/// The CLI's one rule for failures. A user error (bad option, file or setup) prints one line, <c>descent: message</c>,
/// and exits 1. Anything else is a bug in Descent and prints a bug report (command line, versions, the exception with its
/// stack trace) and exits 2: a <see cref="DescentInternalException"/> anywhere in the exception chain, and every
/// exception that is not a known user error.
/// <para>
/// User errors are the exception types that describe input, and Descent throws them (and only them) for what the user
/// gave it: <see cref="ArgumentException"/> (a value: option, key, setting), <see cref="FormatException"/> (text that
/// does not parse: YAML, numbers, environment variables), <see cref="InvalidDataException"/> (a file's content),
/// <see cref="IOException"/> (the file system, or a file that cannot be read: missing, truncated, not a checkpoint),
/// <see cref="UnauthorizedAccessException"/>, <see cref="Descent.Tuning.StorageException"/> (the study database) and
/// <see cref="UserErrorException"/>. <see cref="InvalidOperationException"/>, <see cref="NullReferenceException"/>,
/// <see cref="KeyNotFoundException"/>, <see cref="InvalidCastException"/> and the rest mean Descent got itself into a
/// state it should not have: bugs. The fault-injection tests (tests/Descent.Tests/FaultInjection) hold the library to it.
/// </para>
/// </summary>
public static class CliErrors
{
    /// <summary>Exit code of a user error.</summary>
    public const int UserErrorExitCode = 1;

    /// <summary>Exit code of an internal error (a bug).</summary>
    public const int InternalErrorExitCode = 2;

    /// <summary>True for errors caused by the user's input, files or setup (never when a <see cref="DescentInternalException"/> is involved).</summary>
    public static bool IsUserError(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (IsInternalError(e)) return false;
        e = Unwrap(e);
        return e is ArgumentException or FormatException or IOException or InvalidDataException or UserErrorException
            or UnauthorizedAccessException
            or Descent.Interop.Onnx.OnnxImportException // an ONNX file the importer cannot read or map: names node and cause
            or Descent.Interop.Onnx.OnnxExportException // a layer with no ONNX form: names the layer
            or Descent.Tuning.StorageException; // unreachable database, wrong schema version: the user's setup, not a bug
    }

    /// <summary>True when <paramref name="e"/> or an exception it wraps is a <see cref="DescentInternalException"/>.</summary>
    public static bool IsInternalError(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is DescentInternalException) return true;
            if (x is AggregateException a && a.InnerExceptions.Any(IsInternalError)) return true;
        }
        return false;
    }

    /// <summary>The message on one line, without the " (Parameter 'x')" that <see cref="ArgumentException"/> appends.</summary>
    public static string OneLine(Exception e)
    {
        e = Unwrap(e);
        string message = e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
        return message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Writes what the user sees for <paramref name="e"/>, raised by <c>descent <paramref name="args"/></c>, to
    /// <paramref name="errors"/> and returns the exit code: one line and <see cref="UserErrorExitCode"/> for a user error,
    /// <see cref="BugReport"/> and <see cref="InternalErrorExitCode"/> otherwise.
    /// </summary>
    public static int Report(Exception e, IReadOnlyList<string> args, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (IsUserError(e))
        {
            errors.WriteLine($"descent: {OneLine(e)}");
            return UserErrorExitCode;
        }
        errors.Write(BugReport(e, args));
        return InternalErrorExitCode;
    }

    /// <summary>The bug report of an internal error: what went wrong, how to report it, the command, versions and the stack trace.</summary>
    public static string BugReport(Exception e, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(args);
        string version = typeof(CliErrors).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var sb = new StringBuilder();
        sb.AppendLine($"descent: internal error: {OneLine(e)}");
        sb.AppendLine("This is a bug in Descent, not a problem with your input. Please report it with the text below.");
        sb.AppendLine("--- bug report ---");
        sb.AppendLine($"command: descent {string.Join(' ', args)}");
        sb.AppendLine($"version: Descent {version}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier}");
        sb.AppendLine(e.ToString());
        sb.AppendLine("--- end of bug report ---");
        return sb.ToString();
    }

    // A static constructor's or a single-task failure is about the exception inside it.
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TypeInitializationException { InnerException: { } inner }: e = inner; break;
                case TargetInvocationException { InnerException: { } inner }: e = inner; break;
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; break;
                default: return e;
            }
        }
    }
}

/// <summary>An error in what the user asked for (bad option value, missing file…): printed as one line, exit code 1.</summary>
public sealed class UserErrorException(string message) : Exception(message);
