using System.Diagnostics;
using Descent.Kernels;

namespace Descent.Benchmarks;

/// <summary>One GEMM to time: C (m×n) = op(A)·op(B) with inner dimension k.</summary>
/// <param name="M">Rows of C.</param>
/// <param name="N">Columns of C.</param>
/// <param name="K">Inner dimension.</param>
/// <param name="TransA">A is stored transposed (k×m).</param>
/// <param name="TransB">B is stored transposed (n×k).</param>
/// <param name="Double">float64 (<see cref="Gemm.Dgemm"/>) instead of float32 (<see cref="Gemm.Sgemm"/>).</param>
public sealed record GemmCase(int M, int N, int K, bool TransA = false, bool TransB = false, bool Double = false);

/// <summary>The fastest time per call of a <see cref="GemmCase"/>.</summary>
/// <param name="Case">The GEMM timed.</param>
/// <param name="Threads">Worker threads used.</param>
/// <param name="SecondsPerCall">Fastest repetition's time per call.</param>
public sealed record GemmMeasurement(GemmCase Case, int Threads, double SecondsPerCall)
{
    /// <summary>GFLOP/s at 2·m·n·k flops per call.</summary>
    public double Gflops => 2.0 * Case.M * Case.N * Case.K / SecondsPerCall / 1e9;
}

/// <summary>
/// Times <see cref="Gemm.Sgemm"/>/<see cref="Gemm.Dgemm"/> (<c>descent bench gemm</c>; bench/compare/gemm.sh compares
/// with NumPy's BLAS): a warm-up of at least 20 calls so tiered JIT reaches the optimized driver, then
/// <c>repeat</c> repetitions of back-to-back calls for at least <c>minSeconds</c> each; the fastest is kept.
/// </summary>
public static class GemmBenchmark
{
    /// <summary>Times <paramref name="gemm"/> on <paramref name="threads"/> worker threads (for the calling thread only).</summary>
    public static GemmMeasurement Measure(GemmCase gemm, int threads, int repeat, double minSeconds)
    {
        ArgumentNullException.ThrowIfNull(gemm);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        if (!(minSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(minSeconds), minSeconds, "must be positive");
        // Scoped to this thread, which runs the GEMMs: tests run the benchmark in-process beside other tests.
        using var scope = ParallelFor.OverrideThreads(threads);
        double seconds = gemm.Double ? Time<double>(gemm, repeat, minSeconds) : Time<float>(gemm, repeat, minSeconds);
        return new GemmMeasurement(gemm, threads, seconds);
    }

    private static double Time<T>(GemmCase g, int repeat, double minSeconds) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(42);
        T[] Make(int count)
        {
            var x = new T[count];
            for (int i = 0; i < x.Length; i++)
                x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
            return x;
        }
        int m = g.M, n = g.N, k = g.K;
        T[] a = Make(m * k), b = Make(k * n), c = Make(m * n);
        int lda = g.TransA ? m : k, ldb = g.TransB ? k : n;

        void Call()
        {
            if (typeof(T) == typeof(float))
                Gemm.Sgemm(g.TransA, g.TransB, m, n, k, 1f, (float[])(object)a, lda, (float[])(object)b, ldb, 0f, (float[])(object)c, n);
            else
                Gemm.Dgemm(g.TransA, g.TransB, m, n, k, 1.0, (double[])(object)a, lda, (double[])(object)b, ldb, 0.0, (double[])(object)c, n);
        }

        // Warm-up: lets tiered JIT reach optimized code for the driver and touches all buffers.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 20 || warm.Elapsed.TotalSeconds < Math.Min(0.3, minSeconds); i++)
            Call();

        double best = double.MaxValue;
        for (int r = 0; r < repeat; r++)
        {
            long calls = 0;
            var sw = Stopwatch.StartNew();
            do
            {
                Call();
                calls++;
            }
            while (sw.Elapsed.TotalSeconds < minSeconds);
            best = Math.Min(best, sw.Elapsed.TotalSeconds / calls);
        }
        return best;
    }
}
