using System.Runtime.InteropServices;

namespace Descent.Kernels;

/// <summary>
/// Gives <see cref="ParallelFor"/>'s workers the scheduling policy and priority of the thread that created them.
/// Under a real-time policy (benchmarks run with <c>chrt -f 10</c>) the runtime starts every managed thread in the
/// middle of the range (SCHED_FIFO 43–50), above its creator and above the runtime's own tiered-JIT thread, which
/// keeps the creator's policy: a worker spinning between regions then starves both whenever they share a core
/// (measured: LeNet-5 training steps 10× slower, methods still at tier 0 after a minute). Linux only; elsewhere, and
/// under the ordinary time-sharing policy, nothing changes.
/// </summary>
internal static partial class ThreadScheduling
{
    private const int SchedFifo = 1, SchedRoundRobin = 2;

    /// <summary>The calling thread's real-time policy and priority, or null when it is not real-time (or unknown).</summary>
    public static (int Policy, int Priority)? CurrentRealTime()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            int policy = sched_getscheduler(0);
            if (policy is not (SchedFifo or SchedRoundRobin)) return null;
            return sched_getparam(0, out int priority) == 0 ? (policy, priority) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Applies a policy and priority from <see cref="CurrentRealTime"/> to the calling thread (best effort).</summary>
    public static void Apply((int Policy, int Priority)? setting)
    {
        if (setting is not { } s) return;
        try
        {
            int priority = s.Priority;
            _ = sched_setscheduler(0, s.Policy, in priority);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Scheduling is an optimization; without libc the worker keeps the runtime's default.
        }
    }

    [LibraryImport("libc")]
    private static partial int sched_getscheduler(int pid);

    // struct sched_param holds one int, sched_priority.
    [LibraryImport("libc")]
    private static partial int sched_getparam(int pid, out int priority);

    [LibraryImport("libc")]
    private static partial int sched_setscheduler(int pid, int policy, in int priority);
}
