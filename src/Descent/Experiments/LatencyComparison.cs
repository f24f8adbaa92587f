using System.Diagnostics;
using System.Globalization;
using Descent.Kernels;
using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Experiments;

/// <summary>
/// Forward latency of two models on the same batch, for reports (descent quantize): warm-up calls, then alternating
/// blocks of each model (at least <c>minSeconds</c> each, so load changes hit both alike), medians per call and the
/// median of the per-block ratios. Wall time (the benchmarks in Descent.Benchmarks use thread CPU time for one thread).
/// </summary>
public static class LatencyComparison
{
    /// <summary>Median seconds per forward of <paramref name="a"/> and <paramref name="b"/> and the median ratio a/b, with <paramref name="threads"/> threads.</summary>
    public static (double ASeconds, double BSeconds, double Ratio) Compare(Module a, Module b, Tensor input, int threads, int repeat = 5, double minSeconds = 0.05)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        using var scope = ParallelFor.OverrideThreads(threads);
        using var noGrad = GradMode.Disable();
        void Run(Module m)
        {
            using var step = StepScope.Begin();
            m.Call(input);
        }
        for (int i = 0; i < 3; i++) { Run(a); Run(b); }
        var ta = new double[repeat];
        var tb = new double[repeat];
        var ratios = new double[repeat];
        for (int r = 0; r < repeat; r++)
        {
            ta[r] = Time(() => Run(a), minSeconds);
            tb[r] = Time(() => Run(b), minSeconds);
            ratios[r] = ta[r] / tb[r];
        }
        return (Median(ta), Median(tb), Median(ratios));
    }

    private static double Time(Action call, double minSeconds)
    {
        long calls = 0;
        long start = Stopwatch.GetTimestamp();
        double elapsed;
        do
        {
            call();
            calls++;
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        while (elapsed < minSeconds);
        return elapsed / calls;
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int h = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    /// <summary>The one-minute load average (/proc/loadavg), or null where the system does not expose it.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
