using Descent.Kernels;
using Descent.Tensors;

namespace Descent.Tests.Kernels.Transpose;

[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class PermuteKernelsTests
{
    /// <summary>Reference: for every output multi-index, read the source element it names.</summary>
    private static T[] NaivePermute<T>(T[] src, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        var srcStride = new int[rank];
        for (int d = rank - 1, acc = 1; d >= 0; d--) { srcStride[d] = acc; acc *= shape[d]; }
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = shape[perm[i]];
        var dst = new T[src.Length];
        var idx = new int[rank];
        for (int flat = 0; flat < dst.Length; flat++)
        {
            int rem = flat;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % outShape[d]; rem /= outShape[d]; }
            int s = 0;
            for (int i = 0; i < rank; i++) s += idx[i] * srcStride[perm[i]];
            dst[flat] = src[s];
        }
        return dst;
    }

    private static long[] Iota(int n)
    {
        var a = new long[n];
        for (int i = 0; i < n; i++) a[i] = i * 7 + 3;
        return a;
    }

    public static TheoryData<SimdLevel> Levels => new() { SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512 };

    [Theory]
    [MemberData(nameof(Levels))]
    public void TwoDimTransposeEverySizeUpTo67OnEachPath(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        for (int rows = 0; rows <= 67; rows += rows < 40 ? 1 : 9)
            for (int cols = 0; cols <= 67; cols += cols < 40 ? 1 : 9)
            {
                var src = Iota(rows * cols);
                var dst = new long[src.Length];
                PermuteKernels.Permute<long>(src, [rows, cols], [1, 0], dst);
                Assert.Equal(NaivePermute(src, [rows, cols], [1, 0]), dst);
                var src32 = src.Select(v => (int)v).ToArray();
                var dst32 = new int[src32.Length];
                PermuteKernels.Permute<int>(src32, [rows, cols], [1, 0], dst32);
                Assert.Equal(NaivePermute(src32, [rows, cols], [1, 0]), dst32);
            }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void FloatSpecialValuesMoveBitExactlyInBatchedTransposes(SimdLevel level)
    {
        using var _ = KernelConfig.Force(level);
        var r = new Random(5);
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, float.Epsilon];
        var values = new float[3 * 19 * 23];
        for (int i = 0; i < values.Length; i++)
            values[i] = r.Next(5) == 0 ? specials[r.Next(specials.Length)] : (float)r.NextDouble();
        var bits = values.Select(BitConverter.SingleToInt32Bits).ToArray();
        var dst = new int[bits.Length];
        PermuteKernels.Permute<int>(bits, [3, 19, 23], [0, 2, 1], dst);
        Assert.Equal(NaivePermute(bits, [3, 19, 23], [0, 2, 1]), dst);
        var d64 = values.Select(v => BitConverter.DoubleToInt64Bits(v)).ToArray();
        var dst64 = new long[d64.Length];
        PermuteKernels.Permute<long>(d64, [3, 19, 23], [2, 1, 0], dst64);
        Assert.Equal(NaivePermute(d64, [3, 19, 23], [2, 1, 0]), dst64);
    }

    [Fact]
    public void LengthsZeroTo130AlongEachDim()
    {
        for (int n = 0; n <= 130; n++)
        {
            int[] shape = [3, n, 2];
            var src = Iota(6 * n);
            foreach (int[] perm in new[] { new[] { 1, 0, 2 }, [2, 1, 0], [0, 2, 1], [1, 2, 0] })
            {
                var dst = new long[src.Length];
                PermuteKernels.Permute<long>(src, shape, perm, dst);
                Assert.Equal(NaivePermute(src, shape, perm), dst);
            }
        }
    }

    [Fact]
    public void EveryPermutationOfRank4IncludingSizeOneDims()
    {
        int[][] shapes = [[2, 3, 4, 5], [1, 3, 1, 5], [4, 1, 6, 1], [3, 2, 1, 7]];
        foreach (var shape in shapes)
        {
            var src = Iota(shape.Aggregate(1, (a, b) => a * b));
            foreach (var perm in Permutations([0, 1, 2, 3]))
            {
                var dst = new long[src.Length];
                PermuteKernels.Permute<long>(src, shape, perm, dst);
                Assert.Equal(NaivePermute(src, shape, perm), dst);
            }
        }
    }

    [Fact]
    public void LargeInputsTakeTheParallelPathAndAgree()
    {
        foreach (int threads in new[] { 1, 2 })
        {
            using var scope = ParallelFor.OverrideThreads(threads);
            int[] shape = [3, 150, 131];
            var src = Iota(3 * 150 * 131);
            foreach (int[] perm in new[] { new[] { 0, 2, 1 }, [2, 0, 1], [1, 0, 2] })
            {
                var dst = new long[src.Length];
                PermuteKernels.Permute<long>(src, shape, perm, dst);
                Assert.Equal(NaivePermute(src, shape, perm), dst);
            }
            var big = Iota(700 * 300);
            var bigDst = new long[big.Length];
            PermuteKernels.Permute<long>(big, [700, 300], [1, 0], bigDst);
            Assert.Equal(NaivePermute(big, [700, 300], [1, 0]), bigDst);
        }
    }

    [Fact]
    public void ByteAndIntElementsMoveBitExactly()
    {
        var f = new[] { 1f, -0f, float.NaN, float.PositiveInfinity, 5f, 6f };
        var bits = f.Select(BitConverter.SingleToInt32Bits).ToArray();
        var dst = new int[6];
        PermuteKernels.Permute<int>(bits, [2, 3], [1, 0], dst);
        Assert.Equal(new[] { bits[0], bits[3], bits[1], bits[4], bits[2], bits[5] }, dst);
        var b = new byte[] { 1, 0, 0, 1, 1, 0 };
        var bd = new byte[6];
        PermuteKernels.Permute<byte>(b, [3, 2], [1, 0], bd);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 1, 0 }, bd);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (int i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var p in Permutations(rest))
                yield return [items[i], .. p];
        }
    }
}
