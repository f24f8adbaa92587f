using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class MatmulTests
{
    /// <summary>
    /// Independent reference of torch.matmul: promote 1-D operands, broadcast the batch dims, triple loop per
    /// batch entry with explicit multi-indices, then drop the promoted dims.
    /// </summary>
    private static (double[] Values, int[] Shape) Naive(Tensor a, Tensor b)
    {
        int[] sa = a.Rank == 1 ? [1, a.Size(0)] : a.Shape.ToArray();
        int[] sb = b.Rank == 1 ? [b.Size(0), 1] : b.Shape.ToArray();
        int m = sa[^2], k = sa[^1], n = sb[^1];
        int[] ba = sa[..^2], bb = sb[..^2];
        int rank = Math.Max(ba.Length, bb.Length);
        int[] batch = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i >= rank - ba.Length ? ba[i - (rank - ba.Length)] : 1;
            int db = i >= rank - bb.Length ? bb[i - (rank - bb.Length)] : 1;
            batch[i] = Math.Max(da, db);
        }
        int count = batch.Aggregate(1, (x, y) => x * y);
        var av = a.ToDoubleArray();
        var bv = b.ToDoubleArray();
        var o = new double[count * m * n];
        var idx = new int[rank];
        for (int bi = 0; bi < count; bi++)
        {
            int rem = bi;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % batch[d]; rem /= batch[d]; }
            int offA = Offset(idx, ba) * m * k, offB = Offset(idx, bb) * k * n;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += av[offA + i * k + p] * bv[offB + p * n + j];
                    o[(bi * m + i) * n + j] = s;
                }
        }
        var shape = batch.ToList();
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        return (o, [.. shape]);
    }

    /// <summary>Row-major batch offset of a broadcast index into an operand's own batch dims (size-1 dims read index 0).</summary>
    private static int Offset(int[] idx, int[] own)
    {
        int lead = idx.Length - own.Length, off = 0;
        for (int j = 0; j < own.Length; j++) off = off * own[j] + (own[j] == 1 ? 0 : idx[j + lead]);
        return off;
    }

    public static TheoryData<int[], int[]> RankCombinations => new()
    {
        { [4], [4] },                 // dot
        { [3, 4], [4, 5] },           // 2-D · 2-D
        { [4], [4, 5] },              // 1-D · 2-D
        { [3, 4], [4] },              // 2-D · 1-D
        { [2, 3, 4], [4, 5] },        // batched · matrix (folds into one GEMM)
        { [3, 4], [2, 4, 5] },        // matrix · batched
        { [4], [2, 4, 5] },           // vector · batched
        { [2, 3, 4], [4] },           // batched · vector
        { [2, 1, 3, 4], [5, 4, 2] },  // broadcast batch dims on both sides
        { [1, 3, 4], [2, 4, 2] },     // size-1 batch dim broadcast
        { [2, 3, 0], [0, 2] },        // empty inner dim
    };

    [Theory]
    [MemberData(nameof(RankCombinations))]
    public void MatchesTheNaiveReference(int[] sa, int[] sb)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var a = Rand(sa, dtype, 3);
            var b = Rand(sb, dtype, 4);
            var o = Tensor.Matmul(a, b);
            var (expected, shape) = Naive(a, b);
            Assert.Equal(new Shape(shape), o.Shape);
            Assert.Equal(dtype, o.DType);
            var actual = o.ToDoubleArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance: dtype == DType.Float64 ? 1e-12 : 1e-5);
        }
    }

    [Fact]
    public void HandComputedProducts()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.FromArray(new double[,] { { 5, 6 }, { 7, 8 } });
        Assert.Equal([19, 22, 43, 50], a.Matmul(b).ToDoubleArray());
        var v = Tensor.FromArray([1.0, -1], 2);
        var dot = v.Matmul(v);
        Assert.Equal(0, dot.Rank);
        Assert.Equal(2, dot.Item());
        Assert.Equal([-1, -1], a.Matmul(v).ToDoubleArray());
        Assert.Equal([-2, -2], v.Matmul(a).ToDoubleArray());
    }

    [Fact]
    public void ShapeErrorsNameBothShapes()
    {
        Assert.Equal("matmul: [64, 784] @ [100, 10]: inner dims 784 != 100.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(64, 784).Matmul(Tensor.Zeros(100, 10))).Message);
        Assert.Equal("matmul: [3] @ [4]: inner dims 3 != 4.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).Matmul(Tensor.Zeros(4))).Message);
        Assert.Equal("matmul: [2, 3, 4] @ [5, 4, 6]: batch dims [2] and [5] cannot be broadcast.",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3, 4).Matmul(Tensor.Zeros(5, 4, 6))).Message);
        Assert.Equal("matmul: [] @ [3]: both arguments need at least 1 dim.",
            Assert.Throws<ArgumentException>(() => Tensor.Scalar(1).Matmul(Tensor.Zeros(3))).Message);
        Assert.Contains("matmul: [2, 2] @ [2, 2]: dtypes float32 and float64 differ",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 2).Matmul(Tensor.Zeros(new Shape(2, 2), DType.Float64))).Message);
        Assert.Contains("matmul: expected a float32 or float64 tensor, got int64",
            Assert.Throws<InvalidOperationException>(() => Index([1, 2]).Matmul(Index([1, 2]))).Message);
    }

    [Theory]
    [MemberData(nameof(RankCombinations))]
    public void GradCheckEveryRankCombination(int[] sa, int[] sb)
    {
        GradCheck.Assert(t => Tensor.Matmul(t[0], t[1]), [Leaf(sa, 5), Leaf(sb, 6)]);
    }

    [Fact]
    public void GradCheckOneSideOnlyAndBatchedDimsNeedingReduction()
    {
        var constant = Rand([3, 4, 2], DType.Float64, 7);
        GradCheck.Assert(t => Tensor.Matmul(t[0], constant), [Leaf([3, 2, 4])]);
        GradCheck.Assert(t => Tensor.Matmul(constant, t[0]), [Leaf([2, 5])]);
        // a broadcast over the outer batch dim, b over the inner one: both gradients are reduced.
        GradCheck.Assert(t => Tensor.Matmul(t[0], t[1]), [Leaf([1, 3, 2, 4], 8), Leaf([2, 1, 4, 3], 9)]);
    }
}
