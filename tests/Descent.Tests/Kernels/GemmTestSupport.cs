using System.Numerics;
using System.Runtime.InteropServices;
using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// GEMM tests change process-wide settings (SIMD level, thread count, parallel threshold), so they run in
/// one collection that xunit never runs alongside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GemmSerialCollection
{
    public const string Name = "Gemm (serial: changes KernelConfig and ParallelFor.Threads)";
}

/// <summary>A theory that is reported as skipped, with the reason, when the CPU lacks <c>level</c>.</summary>
public sealed class SimdTheoryAttribute : TheoryAttribute
{
    public SimdTheoryAttribute(SimdLevel level)
    {
        if (KernelConfig.HardwareLevel < level)
            Skip = $"{level} is not accelerated on this CPU (best: {KernelConfig.HardwareLevel}); path not tested here.";
    }
}

/// <summary>One GEMM problem with padded, NaN-poisoned storage, and a float64 reference to check it against.</summary>
internal sealed class GemmCase<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly bool TransA, TransB;
    public readonly int M, N, K, Lda, Ldb, Ldc;
    public readonly T Alpha, Beta;
    public readonly T[] A, B, C0;

    /// <summary>
    /// Builds the case. <paramref name="pad"/> extra elements per stored row are filled with NaN: a kernel
    /// that reads outside the logical matrix turns C into NaN. With beta == 0, C starts as NaN too.
    /// </summary>
    public GemmCase(int seed, bool transA, bool transB, int m, int n, int k, double alpha, double beta, int pad)
    {
        var rng = new Random(seed);
        (TransA, TransB, M, N, K) = (transA, transB, m, n, k);
        (Alpha, Beta) = (T.CreateChecked(alpha), T.CreateChecked(beta));
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        (Lda, Ldb, Ldc) = (aCols + pad, bCols + pad, n + pad);
        A = Fill(rng, aRows, aCols, Lda);
        B = Fill(rng, bRows, bCols, Ldb);
        C0 = Fill(rng, m, n, Ldc);
        if (beta == 0)
            Array.Fill(C0, T.NaN);
    }

    private static T[] Fill(Random rng, int rows, int cols, int ld)
    {
        var x = new T[Math.Max(0, rows * ld)];
        Array.Fill(x, T.NaN);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                x[i * ld + j] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Runs Sgemm/Dgemm on a copy of C0 and returns it.</summary>
    public T[] Run()
    {
        var c = (T[])C0.Clone();
        GemmCall.Run(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    private double[]? _expected, _tolerance;

    /// <summary>
    /// Checks <paramref name="c"/> against a float64 triple loop. The bound is the classic dot-product
    /// error bound (Higham, Accuracy and Stability of Numerical Algorithms, §3.1): |error| ≤ γ·(|α|·Σ|a||b| + |β·c|)
    /// with γ = 2·(k + 2)·u, u the unit roundoff of <typeparamref name="T"/>. Padding of C must be untouched.
    /// </summary>
    public void Verify(T[] c, string label)
    {
        if (_expected is null)
            Reference();
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double expected = _expected![i * N + j], tol = _tolerance![i * N + j];
                double actual = double.CreateChecked(c[i * Ldc + j]);
                if (!(Math.Abs(actual - expected) <= tol))
                    Assert.Fail($"{label}: C[{i},{j}] = {actual}, expected {expected} ± {tol:g3} " +
                                $"({typeof(T).Name} {Describe()})");
            }
            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
                if (!T.IsNaN(c[i * Ldc + j]))
                    Assert.Fail($"{label}: padding C[{i},{j}] was written ({Describe()})");
        }
    }

    private void Reference()
    {
        double u = typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);
        double alpha = double.CreateChecked(Alpha), beta = double.CreateChecked(Beta);
        // op(A) as m×k and op(B)ᵀ as n×k in float64, so each reference entry is a contiguous dot product.
        var a = new double[M * K];
        var bt = new double[N * K];
        for (int p = 0; p < K; p++)
        {
            for (int i = 0; i < M; i++)
                a[i * K + p] = double.CreateChecked(TransA ? A[p * Lda + i] : A[i * Lda + p]);
            for (int j = 0; j < N; j++)
                bt[j * K + p] = double.CreateChecked(TransB ? B[j * Ldb + p] : B[p * Ldb + j]);
        }
        _expected = new double[M * N];
        _tolerance = new double[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double dot = 0, abs = 0;
                for (int p = 0; p < K; p++)
                {
                    double prod = a[i * K + p] * bt[j * K + p];
                    dot += prod;
                    abs += Math.Abs(prod);
                }
                double c0 = beta == 0 ? 0 : double.CreateChecked(C0[i * Ldc + j]);
                _expected[i * N + j] = alpha * dot + beta * c0;
                _tolerance[i * N + j] = 2 * (K + 2) * u * (Math.Abs(alpha) * abs + Math.Abs(beta * c0)) + 1e-300;
            }
        }
    }

    public string Describe() =>
        $"m={M} n={N} k={K} transA={TransA} transB={TransB} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";
}

/// <summary>Calls the float or double entry point for a generic element type.</summary>
internal static class GemmCall
{
    public static void Run<T>(bool transA, bool transB, int m, int n, int k, T alpha, T[] a, int lda, T[] b, int ldb,
        T beta, T[] c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(transA, transB, m, n, k, float.CreateChecked(alpha), MemoryMarshal.Cast<T, float>(a), lda,
                MemoryMarshal.Cast<T, float>(b), ldb, float.CreateChecked(beta), MemoryMarshal.Cast<T, float>(c.AsSpan()), ldc);
        else
            Gemm.Dgemm(transA, transB, m, n, k, double.CreateChecked(alpha), MemoryMarshal.Cast<T, double>(a), lda,
                MemoryMarshal.Cast<T, double>(b), ldb, double.CreateChecked(beta), MemoryMarshal.Cast<T, double>(c.AsSpan()), ldc);
    }
}

/// <summary>
/// Sets SIMD level and the parallel threshold (process-wide: users run in a DisableParallelization collection) and
/// this thread's kernel thread count for a scope, restoring them on dispose.
/// </summary>
internal sealed class GemmSettings : IDisposable
{
    private readonly IDisposable _simd;
    private readonly ParallelFor.ThreadsScope _threads;
    private readonly double _minFlops = GemmBlocking.MinParallelFlops;

    public GemmSettings(SimdLevel level, int threads, double minParallelFlops)
    {
        _simd = KernelConfig.Force(level);
        _threads = ParallelFor.OverrideThreads(threads);
        GemmBlocking.MinParallelFlops = minParallelFlops;
    }

    public void Dispose()
    {
        _simd.Dispose();
        _threads.Dispose();
        GemmBlocking.MinParallelFlops = _minFlops;
    }
}
