using System.Diagnostics;
using System.Globalization;

namespace Descent.Serialization;

/// <summary>
/// The fault-injection seam of <see cref="AtomicFile"/>: with <c>DESCENT_FAULT_KILL_IN_WRITE=&lt;file name&gt;:&lt;n&gt;</c>
/// the process SIGKILLs itself during the <c>n</c>-th atomic write (counting from 1) of a file with that name, after half
/// of the content reached the temporary file, as a power cut or <c>kill -9</c> would. The fault-injection tests
/// (tests/Descent.Tests/FaultInjection) use it to kill <c>descent train</c> inside a checkpoint write and check that the
/// run resumes to the files of an uninterrupted one. Unset (always, outside those tests), it costs one comparison.
/// </summary>
internal static class WriteFault
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "DESCENT_FAULT_KILL_IN_WRITE";

    private static readonly (string Name, int Count)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int _seen;

    /// <summary>Kills the process mid-write when <paramref name="path"/> is the targeted write; else returns.</summary>
    public static void BeforeCommit(string path, FileStream temporary)
    {
        if (Target is not { } target || !string.Equals(Path.GetFileName(path), target.Name, StringComparison.Ordinal)) return;
        if (Interlocked.Increment(ref _seen) != target.Count) return;
        temporary.SetLength(temporary.Length / 2);
        temporary.Flush(flushToDisk: true);
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);                 // the kill is asynchronous: nothing may run after it
    }

    private static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            throw new FormatException($"{Variable}: expected <file name>:<n> (n ≥ 1), got '{value}'.");
        return (value[..colon], n);
    }
}
