using Descent.Kernels;

namespace Descent.Benchmarks;

/// <summary>What every benchmark result reports about the machine: the kernels' thread count and SIMD level.</summary>
public static class BenchmarkMachine
{
    /// <summary>Worker threads the kernels use on this thread (DESCENT_THREADS or the core count, unless overridden).</summary>
    public static int Threads => ParallelFor.Threads;

    /// <summary>The SIMD level the kernels use (Scalar, Vector256 or Vector512).</summary>
    public static string Simd => KernelConfig.Simd.ToString();

    /// <summary>The one-minute load average (/proc/loadavg), or null where the system does not expose it.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
