using Descent.Kernels;

namespace Descent.Tests.Kernels.Indexing;

[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class IndexingKernelsTests
{
    private static double[] Values(int n, int seed)
    {
        var r = new Random(seed);
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = Math.Round(r.NextDouble() * 20 - 10, 3);
        return a;
    }

    private static long[] Indices(int n, int size, int seed)
    {
        var r = new Random(seed);
        var a = new long[n];
        for (int i = 0; i < n; i++) a[i] = r.Next(size);
        return a;
    }

    [Fact]
    public void FirstOutOfRangeFindsNegativeAndTooLarge()
    {
        Assert.Equal(-1, IndexSelectKernels.FirstOutOfRange([0, 4, 2], 5));
        Assert.Equal(1, IndexSelectKernels.FirstOutOfRange([0, 5, -1], 5));
        Assert.Equal(2, IndexSelectKernels.FirstOutOfRange([0, 4, -1], 5));
        Assert.Equal(-1, IndexSelectKernels.FirstOutOfRange([], 0));
    }

    [Theory]
    [InlineData(1, 7, 1, 0)]
    [InlineData(1, 7, 1, 130)]
    [InlineData(3, 5, 4, 9)]
    [InlineData(2, 1, 130, 6)]
    [InlineData(40, 50, 33, 60)]   // large enough for the parallel path
    [InlineData(1, 300, 200, 257)] // one outer row, parallel over the index
    public void IndexSelectAndIndexAddMatchLoops(int outer, int size, int inner, int count)
    {
        var src = Values(outer * size * inner, 1);
        var index = Indices(count, size, 2);
        var dst = new double[outer * count * inner];
        IndexSelectKernels.IndexSelect<double>(src, outer, size, inner, index, dst);
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
                for (int i = 0; i < inner; i++)
                    Assert.Equal(src[(o * size + index[j]) * inner + i], dst[(o * count + j) * inner + i]);

        // index_add with repeated indices accumulates: compare to a plain loop.
        var acc = Values(outer * size * inner, 3);
        var expected = (double[])acc.Clone();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
                for (int i = 0; i < inner; i++)
                    expected[(o * size + index[j]) * inner + i] += dst[(o * count + j) * inner + i];
        IndexSelectKernels.IndexAdd<double>(acc, outer, size, inner, index, dst);
        for (int i = 0; i < acc.Length; i++) Assert.Equal(expected[i], acc[i], tolerance: 1e-12);
    }

    [Fact]
    public void IndexAddEveryInnerLengthWithSpecialValuesOnEachPath()
    {
        var r = new Random(12);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f];
        long[] index = [2, 0, 2, 1];
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            using var _ = KernelConfig.Force(level);
            for (int inner = 0; inner <= 130; inner++)
            {
                var src = new float[2 * 4 * inner];
                for (int i = 0; i < src.Length; i++)
                    src[i] = r.Next(6) == 0 ? specials[r.Next(specials.Length)] : (float)(r.NextDouble() - 0.5);
                var dst = new float[2 * 3 * inner];
                var expected = new float[dst.Length];
                for (int o = 0; o < 2; o++)
                    for (int j = 0; j < 4; j++)
                        for (int i = 0; i < inner; i++)
                            expected[(o * 3 + index[j]) * inner + i] += src[(o * 4 + j) * inner + i];
                IndexSelectKernels.IndexAdd<float>(dst, 2, 3, inner, index, src);
                Assert.Equal(expected, dst);
            }
        }
    }

    [Fact]
    public void IndexAddOnForcedScalarPathAgrees()
    {
        var src = Values(2 * 6 * 50, 4).Select(v => (float)v).ToArray();
        var index = Indices(6, 3, 5);
        var simd = new float[2 * 3 * 50];
        var scalar = new float[2 * 3 * 50];
        IndexSelectKernels.IndexAdd<float>(simd, 2, 3, 50, index, src);
        using (KernelConfig.Force(SimdLevel.Scalar))
            IndexSelectKernels.IndexAdd<float>(scalar, 2, 3, 50, index, src);
        Assert.Equal(scalar, simd);
    }

    [Fact]
    public void GatherAndScatterAddWithIndexSmallerThanOperands()
    {
        // src [3, 4, 5], gather along dim 1 with index [2, 3, 4] (smaller in dims 0 and 2), dst = index shape.
        int[] srcShape = [3, 4, 5], idxShape = [2, 3, 4];
        var src = Values(60, 6);
        var index = Indices(24, 4, 7);
        var dst = new double[24];
        GatherScatterKernels.Gather<double>(src, srcShape, 1, index, idxShape, dst, idxShape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                {
                    int p = (i * 3 + j) * 4 + k;
                    Assert.Equal(src[(i * 4 + index[p]) * 5 + k], dst[p]);
                }

        // scatter_add along dim 2 into self [2, 3, 6] from src [3, 4, 5] with index [2, 3, 4].
        int[] selfShape = [2, 3, 6];
        var index2 = Indices(24, 6, 8);
        var self = Values(36, 9);
        var expected = (double[])self.Clone();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    expected[(i * 3 + j) * 6 + index2[(i * 3 + j) * 4 + k]] += src[(i * 4 + j) * 5 + k];
        GatherScatterKernels.ScatterAdd<double>(self, selfShape, 2, index2, idxShape, src, srcShape);
        for (int i = 0; i < self.Length; i++) Assert.Equal(expected[i], self[i], tolerance: 1e-12);
    }

    [Fact]
    public void GatherAlongEveryDimOfRank3()
    {
        int[] shape = [4, 3, 5];
        var src = Values(60, 10);
        for (int dim = 0; dim < 3; dim++)
        {
            var index = Indices(60, shape[dim], 11 + dim);
            var dst = new double[60];
            GatherScatterKernels.Gather<double>(src, shape, dim, index, shape, dst, shape);
            for (int p = 0; p < 60; p++)
            {
                int[] c = [p / 15, p / 5 % 3, p % 5];
                c[dim] = (int)index[p];
                Assert.Equal(src[(c[0] * 3 + c[1]) * 5 + c[2]], dst[p]);
            }
        }
    }

    [Fact]
    public void RunCopiesAndTile()
    {
        var dst = new long[12];
        RunCopyKernels.Scatter<long>([1, 2, 3, 4], dst, 2, 2, 6, 3);
        Assert.Equal(new long[] { 0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 4, 0 }, dst);
        var back = new long[4];
        RunCopyKernels.Gather<long>(dst, 6, 3, back, 2, 2);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, back);
        var col = new long[3];
        RunCopyKernels.Gather<long>([1, 2, 3, 4, 5, 6], 2, 1, col, 3, 1);
        Assert.Equal(new long[] { 2, 4, 6 }, col);
        var tiled = new int[6];
        RunCopyKernels.Tile<int>([7, 8], tiled);
        Assert.Equal(new[] { 7, 8, 7, 8, 7, 8 }, tiled);
    }

    [Fact]
    public void MaskedFillRepeatsTheMaskAndKeepsSpecialValues()
    {
        double[] x = [1, double.NaN, -0.0, double.PositiveInfinity, 5, 6];
        var o = new double[6];
        MaskedFillKernels.MaskedFill<double>(x, [false, true, false], -1, o);
        Assert.Equal(new[] { 1, -1, -0.0, double.PositiveInfinity, -1, 6 }, o);
        Assert.True(double.IsNegative(o[2]));
        Assert.Throws<DescentInternalException>(() => MaskedFillKernels.MaskedFill<double>(x, [true, false, true, false], 0, o));
    }
}
