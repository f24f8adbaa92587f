using System.Diagnostics;

namespace Descent.Benchmarks;

/// <summary>
/// Times two versions of one workload alternately (A, B, A, B, …) so both see the same machine load, and reports the
/// medians and the median of the per-repetition ratios A/B. On one thread the time is the thread's CPU time (Linux),
/// which leaves out the time a loaded, shared machine gives other processes; with several threads it is wall-clock.
/// </summary>
internal static class AlternatingTimer
{
    public static SpeedComparison Compare(Action a, Action b, int threads, int repeat, double minSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        if (!(minSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(minSeconds), minSeconds, "must be positive");
        Func<double> clock = threads == 1 && ThreadCpuClock.Seconds() is not null ? () => ThreadCpuClock.Seconds()!.Value : WallSeconds;
        // Warm-up: tiered JIT reaches the optimized code and every buffer is touched.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 10 || warm.Elapsed.TotalSeconds < Math.Min(0.2, minSeconds); i++)
        {
            a();
            b();
        }
        var ta = new double[repeat];
        var tb = new double[repeat];
        var ratios = new double[repeat];
        for (int r = 0; r < repeat; r++)
        {
            ta[r] = Time(a, clock, minSeconds);
            tb[r] = Time(b, clock, minSeconds);
            ratios[r] = ta[r] / tb[r];
        }
        return new SpeedComparison(ModelLatency.Median(ta), ModelLatency.Median(tb), ModelLatency.Median(ratios));
    }

    private static double Time(Action call, Func<double> clock, double minSeconds)
    {
        long calls = 0;
        double start = clock(), elapsed;
        do
        {
            call();
            calls++;
            elapsed = clock() - start;
        }
        while (elapsed < minSeconds);
        return elapsed / calls;
    }

    private static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}
