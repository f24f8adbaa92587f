using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class TransposeTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void TransposeOfAMatrixSwapsRowsAndColumns(DType dtype)
    {
        var t = Tensor.Arange(6, dtype).Reshape(2, 3);
        var tt = t.Transpose(0, 1);
        Assert.Equal(new Shape(3, 2), tt.Shape);
        Assert.Equal(dtype, tt.DType);
        Assert.Equal([0, 3, 1, 4, 2, 5], tt.ToDoubleArray());
        Assert.Equal(tt.ToDoubleArray(), t.T.ToDoubleArray());
        Assert.Equal(tt.ToDoubleArray(), t.MT.ToDoubleArray());
        Assert.NotSame(t.Storage, tt.Storage);
    }

    [Fact]
    public void BoolMasksTranspose()
    {
        var m = Tensor.FromArray(new[] { true, false, false, true, true, false }, 3, 2);
        Assert.Equal([1, 0, 1, 0, 1, 0], m.T.ToDoubleArray());
    }

    [Fact]
    public void PermuteMatchesHandComputedElements()
    {
        var t = Tensor.Arange(24, DType.Float64).Reshape(2, 3, 4);
        var p = t.Permute(2, 0, 1);
        Assert.Equal(new Shape(4, 2, 3), p.Shape);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 3; k++)
                    Assert.Equal(t[j, k, i], p[i, j, k]);
        Assert.Equal(p.ToDoubleArray(), t.Permute(-1, -3, -2).ToDoubleArray());
    }

    [Fact]
    public void MTTransposesTheLastTwoDimsOfABatch()
    {
        var t = Tensor.Arange(24, DType.Float64).Reshape(2, 3, 4);
        var mt = t.MT;
        Assert.Equal(new Shape(2, 4, 3), mt.Shape);
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 4; j++)
                    Assert.Equal(t[b, i, j], mt[b, j, i]);
        Assert.Equal(mt.ToDoubleArray(), t.Transpose(1, 2).ToDoubleArray());
    }

    [Fact]
    public void MovingOnlySizeOneDimsIsAView()
    {
        var row = Tensor.Arange(5).Reshape(1, 5);
        var col = row.T;
        Assert.Equal(new Shape(5, 1), col.Shape);
        Assert.Same(row.Storage, col.Storage);
        var v = Tensor.Arange(3);
        Assert.Same(v, v.T);
        Assert.Same(v, v.Contiguous());
        Assert.Equal(new Shape(3, 1, 2), Tensor.Zeros(1, 3, 2).Permute(1, 0, 2).Shape);
    }

    [Fact]
    public void ErrorsNameTheOpAndShape()
    {
        var t = Tensor.Zeros(2, 3, 4);
        Assert.Contains("permute: [2, 3, 4] has 3 dims but the order [0, 1] lists 2",
            Assert.Throws<ArgumentException>(() => t.Permute(0, 1)).Message);
        Assert.Contains("permute: dim -3 appears more than once in [0, 1, -3]",
            Assert.Throws<ArgumentException>(() => t.Permute(0, 1, -3)).Message);
        Assert.Contains("transpose: dimension 3 out of range",
            Assert.Throws<ArgumentOutOfRangeException>(() => t.Transpose(0, 3)).Message);
        Assert.Contains("T: expected a 0-D, 1-D or 2-D tensor, got [2, 3, 4]",
            Assert.Throws<InvalidOperationException>(() => t.T).Message);
        Assert.Contains("mT: expected a matrix or a batch of matrices (rank >= 2), got [4]",
            Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(4).MT).Message);
    }

    [Fact]
    public void GradCheckTransposeAndPermute()
    {
        GradCheck.Assert(t => t[0].Transpose(0, 1), [Leaf([3, 4])]);
        GradCheck.Assert(t => t[0].Permute(2, 0, 3, 1), [Leaf([2, 3, 4, 5])]);
        GradCheck.Assert(t => t[0].MT * t[1], [Leaf([2, 3, 4]), Leaf([4, 1], 2)]);
        GradCheck.Assert(t => t[0].T, [Leaf([1, 4])]);
    }
}
