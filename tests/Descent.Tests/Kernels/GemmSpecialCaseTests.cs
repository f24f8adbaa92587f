using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Degenerate sizes and the BLAS conventions for alpha == 0, beta == 0 and k == 0.</summary>
[Trait("Category", "Kernels")]
[Collection(GemmSerialCollection.Name)]
public class GemmSpecialCaseTests
{
    [Fact]
    public void KZeroScalesCByBeta()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Sgemm(false, false, 2, 3, 0, 1f, [], 0, [], 3, 0.5f, c, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, c);
    }

    [Fact]
    public void KZeroWithBetaZeroClearsNaN()
    {
        var c = new double[] { double.NaN, double.NaN, double.NaN, double.NaN };
        Gemm.Dgemm(false, false, 2, 2, 0, 1.0, [], 0, [], 2, 0.0, c, 2);
        Assert.Equal(new double[4], c);
    }

    [Fact]
    public void AlphaZeroIgnoresNaNInAAndB()
    {
        var a = new float[] { float.NaN, float.NaN };
        var b = new float[] { float.NaN, float.NaN };
        var c = new float[] { 2, 4 };
        Gemm.Sgemm(false, false, 2, 1, 1, 0f, a, 1, b, 1, 0.5f, c, 1);
        Assert.Equal(new float[] { 1, 2 }, c);
    }

    [Fact]
    public void EmptyMOrNLeavesEverythingAlone()
    {
        var c = new float[] { 7 };
        Gemm.Sgemm(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Sgemm(true, true, 4, 0, 3, 1f, new float[12], 4, [], 3, 0f, c, 0);
        Assert.Equal(7f, c[0]);
    }

    [Fact]
    public void BetaZeroDoesNotReadNaNInC()
    {
        using var settings = new GemmSettings(KernelConfig.HardwareLevel, 1, GemmBlocking.MinParallelFlops);
        // 6×70: full tiles and a partial-vector edge tile (merged through scratch) in one call.
        const int m = 6, n = 70, k = 3;
        var a = Enumerable.Range(0, m * k).Select(i => (float)i).ToArray();
        var b = Enumerable.Range(0, k * n).Select(i => 1f).ToArray();
        var c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(3 * i * k + 3, c[i * n + j]);
    }

    [Fact]
    public void OneByOneTimesOne()
    {
        var c = new double[1];
        Gemm.Dgemm(true, true, 1, 1, 1, 2.0, [3.0], 1, [4.0], 1, 0.0, c, 1);
        Assert.Equal(24.0, c[0]);
    }
}
