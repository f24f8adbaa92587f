using Descent.Kernels;

namespace Descent.Benchmarks;

/// <summary>What every benchmark result reports about the machine: the kernels' thread count and SIMD level.</summary>
public static class BenchmarkMachine
{
    /// <summary>Worker threads the kernels use on this thread (DESCENT_THREADS or the core count, unless overridden).</summary>
    public static int Threads => ParallelFor.Threads;

    /// <summary>The SIMD level the kernels use (Scalar, Vector256 or Vector512).</summary>
    public static string Simd => KernelConfig.Simd.ToString();
}
