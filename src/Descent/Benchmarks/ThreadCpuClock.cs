using System.Runtime.InteropServices;

namespace Descent.Benchmarks;

/// <summary>
/// The calling thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)): on a machine shared with other jobs it
/// leaves out the time the scheduler gives to other processes, which wall-clock time of a single-threaded loop includes.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Seconds of CPU time of this thread, or null where the clock is unavailable.</summary>
    public static double? Seconds()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            return ClockGetTime(ThreadCpuTimeId, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
