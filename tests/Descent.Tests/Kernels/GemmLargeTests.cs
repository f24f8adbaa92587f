using System.Numerics;
using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// Shapes large enough to cross every blocking boundary (several KC blocks, MC blocks, NC blocks, several
/// B panels, thread splits), plus the properties the blocked structure must keep: results independent of
/// the thread count, and no allocation once warm.
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class GemmLargeTests
{
    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    public void Shape300x500x700(bool f64, bool transA, bool transB)
    {
        if (f64)
            Large<double>(transA, transB, 300, 500, 700, alpha: 0.5, beta: 0.25, threads: 2);
        else
            Large<float>(transA, transB, 300, 500, 700, alpha: 1, beta: 0, threads: 2);
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    public void NarrowC300x10x700(bool f64, bool transA, bool transB)
    {
        // n below one vector: with transA this takes the column-tile path (several k blocks, row tiles split
        // over two threads, a partial last tile); without it the tall narrow row tiles.
        if (f64)
            Large<double>(transA, transB, 300, 7, 700, alpha: -1, beta: 0.5, threads: 2);
        else
            Large<float>(transA, transB, 300, 10, 700, alpha: 2, beta: 1, threads: 2);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void TransposedAWithAlignedRowsIsPacked(bool f64, bool transB)
    {
        // transA with lda = 256 elements (rows a multiple of 512 bytes apart) and 300 columns per task: the
        // driver packs A into 6-row panels (GemmPackA). m = 250 leaves a partial MC block and a partial
        // panel; the 6 NaN padding elements per stored row must never be read.
        if (f64)
            Large<double>(true, transB, 250, 300, 300, alpha: 1, beta: 0.5, threads: 1, pad: 6);
        else
            Large<float>(true, transB, 250, 300, 300, alpha: 1, beta: 0.5, threads: 1, pad: 6);
    }

    [Fact]
    public void WideCCrossesTheNcBlock()
    {
        // n > NC (1024) with one thread: the jc loop runs twice, the second block narrower than the first.
        Large<float>(false, true, 37, GemmBlocking.Nc + 77, 300, alpha: 1, beta: 1, threads: 1);
    }

    // One float64 reference per shape, checked against every SIMD level.
    private static void Large<T>(bool transA, bool transB, int m, int n, int k, double alpha, double beta, int threads,
        int pad = 5) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var gc = new GemmCase<T>(m * 31 + n, transA, transB, m, n, k, alpha, beta, pad);
        foreach (var level in new[] { SimdLevel.Vector512, SimdLevel.Vector256, SimdLevel.Scalar })
        {
            if (KernelConfig.HardwareLevel < level)
            {
                // A level missing on this CPU cannot be a skipped row of this theory; report it instead.
                Console.WriteLine($"SKIPPED: {level} is not accelerated on this CPU; {gc.Describe()} not run for it.");
                continue;
            }
            T[] c;
            using (new GemmSettings(level, threads, GemmBlocking.MinParallelFlops))
                c = gc.Run();
            gc.Verify(c, $"{level} threads={threads}");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ResultsDoNotDependOnThreadCount(bool transA, bool transB)
    {
        // Each C element must be accumulated by one thread in the same k order, so the bits are identical.
        foreach (var (m, n, k) in new[] { (64, 784, 256), (300, 70, 513), (7, 1100, 33), (130, 10, 64), (800, 40, 300) })
        {
            var gc = new GemmCase<float>(m + n + k, transA, transB, m, n, k, alpha: 0.5, beta: 1.5, pad: 0);
            float[] one, two, three;
            using (new GemmSettings(KernelConfig.HardwareLevel, 1, 0))
                one = gc.Run();
            using (new GemmSettings(KernelConfig.HardwareLevel, 2, 0))
                two = gc.Run();
            using (new GemmSettings(KernelConfig.HardwareLevel, 3, 0))
                three = gc.Run();
            Assert.Equal(one, two);
            Assert.Equal(one, three);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateCallAllocatesNothing(int threads)
    {
        const int m = 256, n = 256, k = 300;
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        using var settings = new GemmSettings(KernelConfig.HardwareLevel, threads, 0);
        // Warm: JIT, and this thread's packing buffers at full size. On one thread it packs every block; with more,
        // which tiles it draws depends on the workers' timing, and a larger tile drawn later grows its buffers.
        using (ParallelFor.OverrideThreads(1))
            for (int t = 0; t < 2; t++)
                Call(t == 1);
        for (int t = 0; t < 2; t++)
            Call(t == 1);

        Assert.Equal(0, SteadyState.FewestBytes(i => Call(i % 2 == 1), calls: 10));

        void Call(bool ta) => Gemm.Sgemm(ta, !ta, m, n, k, 1f, a, ta ? m : k, b, ta ? n : k, 0f, c, n);
    }
}
