using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>
/// The single-row path (one row of A times a transposed B: Linear at batch 1) at every SIMD level, with every odd
/// length around the vector widths, padded strides, 1 and 2 threads (the same bits either way), and NaN/Inf in A
/// reaching exactly the outputs they feed. The shape sweep covers it too (m = 1 with transB).
/// </summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class GemmRowVectorTests
{
    private static readonly SimdLevel[] Levels = [SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512];

    [Fact]
    public void EveryLengthMatchesTheReferenceAndIgnoresTheThreadCount()
    {
        int seed = 0;
        foreach (var level in Levels)
        {
            if (level > KernelConfig.HardwareLevel) continue;
            foreach (int k in new[] { 1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 65, 784 })
                foreach (int n in new[] { 1, 5, 17, 130 })
                {
                    var single = new GemmCase<float>(seed, false, true, 1, n, k, seed % 2 == 0 ? 1 : -0.75, seed % 3 == 0 ? 0 : 0.5, seed % 2 * 3);
                    var dbl = new GemmCase<double>(seed++, false, true, 1, n, k, 1.25, 0, 2);
                    float[] one, two;
                    using (new GemmSettings(level, 1, minParallelFlops: 0)) one = single.Run();
                    using (new GemmSettings(level, 2, minParallelFlops: 0)) two = single.Run();
                    single.Verify(one, $"{level} 1 thread");
                    Assert.Equal(one, two);
                    using (new GemmSettings(level, 2, minParallelFlops: 0)) dbl.Verify(dbl.Run(), $"{level} float64");
                }
        }
    }

    [Fact]
    public void NonFiniteValuesReachTheirOutputsOnly()
    {
        const int n = 4, k = 40;
        foreach (var level in Levels)
        {
            if (level > KernelConfig.HardwareLevel) continue;
            using var settings = new GemmSettings(level, 1, GemmBlocking.MinParallelFlops);
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
            {
                var a = Enumerable.Range(0, k).Select(i => 1f).ToArray();
                var b = Enumerable.Range(0, n * k).Select(i => 0.5f).ToArray();
                b[2 * k + 7] = bad;   // row 2 of B feeds output column 2 only
                var c = new float[n];
                Gemm.Sgemm(false, true, 1, n, k, 1f, a, k, b, k, 0f, c, n);
                Assert.Equal(new[] { 20f, 20f, bad, 20f }, c);
                a[3] = bad;          // now every output sees it
                Gemm.Sgemm(false, true, 1, n, k, 1f, a, k, b, k, 0f, c, n);
                Assert.All(c, v => Assert.False(float.IsFinite(v), $"{level}: {v} is finite"));
            }
        }
    }
}
