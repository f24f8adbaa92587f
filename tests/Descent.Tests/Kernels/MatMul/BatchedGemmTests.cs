using Descent.Kernels;

namespace Descent.Tests.Kernels.MatMul;

[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class BatchedGemmTests
{
    private static double[] Values(int n, int seed)
    {
        var r = new Random(seed);
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.NextDouble() * 2 - 1;
        return a;
    }

    /// <summary>Triple loop per batch entry with explicit offsets; shared C slots accumulate after one beta scale.</summary>
    private static double[] Naive(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, int[] aS, double[] b, int[] bS,
        double beta, double[] c0, int[] cS, int[] batch)
    {
        var c = (double[])c0.Clone();
        int count = batch.Aggregate(1, (x, y) => x * y);
        var scaled = new bool[c.Length];
        for (int i = 0; i < count; i++)
        {
            int rem = i, oa = 0, ob = 0, oc = 0;
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                int j = rem % batch[d]; rem /= batch[d];
                oa += j * aS[d]; ob += j * bS[d]; oc += j * cS[d];
            }
            for (int r = 0; r < m; r++)
                for (int col = 0; col < n; col++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += (ta ? a[oa + p * m + r] : a[oa + r * k + p]) * (tb ? b[ob + col * k + p] : b[ob + p * n + col]);
                    int at = oc + r * n + col;
                    if (!scaled[at]) { c[at] = beta == 0 ? 0 : beta * c[at]; scaled[at] = true; }
                    c[at] += alpha * s;
                }
        }
        for (int i = 0; i < c.Length; i++)
            if (!scaled[i]) c[i] = beta == 0 ? 0 : beta * c[i];
        return c;
    }

    private static void Check(bool ta, bool tb, int m, int n, int k, int[] batch, int[] aS, int[] bS, int[] cS,
        int aLen, int bLen, int cLen, double alpha, double beta)
    {
        var a = Values(aLen, 1);
        var b = Values(bLen, 2);
        var c = Values(cLen, 3);
        var expected = Naive(ta, tb, m, n, k, alpha, a, aS, b, bS, beta, c, cS, batch);
        BatchedGemm.Run(ta, tb, m, n, k, alpha, a, aS, b, bS, beta, c, cS, batch);
        for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], tolerance: 1e-12);

        // Float32 through the same driver.
        var af = a.Select(v => (float)v).ToArray();
        var bf = b.Select(v => (float)v).ToArray();
        var cf = Values(cLen, 3).Select(v => (float)v).ToArray();
        BatchedGemm.Run(ta, tb, m, n, k, (float)alpha, af, aS, bf, bS, (float)beta, cf, cS, batch);
        for (int i = 0; i < cf.Length; i++) Assert.Equal(expected[i], cf[i], tolerance: 1e-4);
    }

    public static TheoryData<bool, bool> Flags => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    [Theory]
    [MemberData(nameof(Flags))]
    public void UniqueOutputsWithBroadcastOperands(bool ta, bool tb)
    {
        int m = 3, n = 5, k = 4;
        // batch [2, 3]: A broadcast over dim 0, B broadcast over dim 1, C contiguous.
        Check(ta, tb, m, n, k, [2, 3], [0, m * k], [k * n, 0], [3 * m * n, m * n], 3 * m * k, 2 * k * n, 6 * m * n, 1, 0);
        Check(ta, tb, m, n, k, [2, 3], [3 * m * k, m * k], [3 * k * n, k * n], [3 * m * n, m * n], 6 * m * k, 6 * k * n, 6 * m * n, 0.5, 2);
    }

    [Theory]
    [MemberData(nameof(Flags))]
    public void SharedOutputSlotsAccumulate(bool ta, bool tb)
    {
        SharedSlots(ta, tb);
        using var scalar = KernelConfig.Force(SimdLevel.Scalar);
        SharedSlots(ta, tb);
    }

    private static void SharedSlots(bool ta, bool tb)
    {
        int m = 2, n = 3, k = 4;
        // C broadcast over both batch dims (fully reduced) and over dim 0 only.
        Check(ta, tb, m, n, k, [2, 3], [3 * m * k, m * k], [3 * k * n, k * n], [0, 0], 6 * m * k, 6 * k * n, m * n, 1, 0);
        Check(ta, tb, m, n, k, [2, 3], [3 * m * k, m * k], [0, k * n], [0, m * n], 6 * m * k, 3 * k * n, 3 * m * n, 2, 0.5);
    }

    [Fact]
    public void FoldedShapesMatchTheLoop()
    {
        // Fold-M: B shared, A and C stacked.
        Check(false, true, 3, 4, 5, [2, 3], [15 * 3, 15], [0, 0], [12 * 3, 12], 6 * 15, 20, 6 * 12, 1, 1);
        // Fold-K: C shared, A (transposed) and B stacked along k.
        Check(true, false, 3, 4, 5, [6], [15], [20], [0], 6 * 15, 6 * 20, 12, 1, 0);
    }

    [Fact]
    public void EmptyInnerDimAndEmptyBatchScaleOrClearC()
    {
        Check(false, false, 2, 3, 0, [2], [0], [0], [6], 0, 0, 12, 1, 0.5);
        Check(false, false, 2, 3, 0, [2], [0], [0], [6], 0, 0, 12, 1, 0);
        Check(false, false, 2, 3, 4, [0], [8], [12], [0], 0, 0, 6, 1, 0);
    }

    [Fact]
    public void ManySmallBatchesRunInParallelAndAgree()
    {
        using var threads = ParallelFor.OverrideThreads(2);
        // 400 products of 7×11·11×9: above the total-work threshold, below the per-GEMM one, not foldable.
        Check(false, false, 7, 9, 11, [5, 80], [0, 77], [80 * 99, 99], [80 * 63, 63], 80 * 77, 400 * 99, 400 * 63, 1, 0);
        Check(true, true, 7, 9, 11, [400], [77], [99], [63], 400 * 77, 400 * 99, 400 * 63, 0.5, 1);
    }
}
