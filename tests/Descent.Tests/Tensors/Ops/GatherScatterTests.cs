using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class GatherScatterTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void GatherFollowsTheDocumentedFormula(DType dtype)
    {
        // torch docs: out[i][j] = input[i][index[i][j]] for dim 1.
        var t = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }).To(dtype);
        var g = t.Gather(1, Index([0, 0, 1, 0], 2, 2));
        Assert.Equal(dtype, g.DType);
        Assert.Equal([1, 1, 4, 3], g.ToDoubleArray());
        var g0 = t.Gather(0, Index([1, 0], 1, 2));
        Assert.Equal([3, 2], g0.ToDoubleArray());
    }

    [Fact]
    public void GatherPicksClassScoresLikeALossDoes()
    {
        var logits = Tensor.Arange(12, DType.Float32).Reshape(4, 3);
        var picked = logits.Gather(1, Index([2, 0, 1, 2], 4, 1));
        Assert.Equal(new Shape(4, 1), picked.Shape);
        Assert.Equal([2, 3, 7, 11], picked.ToDoubleArray());
    }

    [Fact]
    public void GatherOnBoolMask()
    {
        var m = Tensor.FromArray(new[] { true, false, false, true }, 2, 2);
        Assert.Equal([0, 1, 1, 0], m.Gather(1, Index([1, 0, 1, 0], 2, 2)).ToDoubleArray());
    }

    [Fact]
    public void ScatterAddAccumulatesRepeatedTargetsOutOfPlace()
    {
        var self = Tensor.Ones(new Shape(2, 4), DType.Float64);
        var src = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var index = Index([0, 3, 0, 1, 1, 2], 2, 3);
        var o = self.ScatterAdd(1, index, src);
        Assert.Equal([5, 1, 1, 3, 1, 10, 7, 1], o.ToDoubleArray());
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1], self.ToDoubleArray());
        // dim 0: out[index[i][j]][j] += src[i][j]
        var o0 = Tensor.Zeros(new Shape(3, 3), DType.Float64).ScatterAdd(0, Index([2, 0, 2], 1, 3), src);
        Assert.Equal([0, 2, 0, 0, 0, 0, 1, 0, 3], o0.ToDoubleArray());
    }

    [Fact]
    public void ScatterAddOnInt64AndInPlaceVariant()
    {
        var counts = Tensor.Zeros(new Shape(4), DType.Int64);
        var ones = Tensor.Ones(new Shape(5), DType.Int64);
        var hist = counts.ScatterAdd(0, Index([1, 3, 1, 1, 0]), ones);
        Assert.Equal([1, 3, 0, 1], hist.ToDoubleArray());
        counts.ScatterAddInPlace(0, Index([2, 2]), Tensor.Ones(new Shape(2), DType.Int64));
        Assert.Equal([0, 0, 2, 0], counts.ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameOpIndexPositionAndShapes()
    {
        var t = Tensor.Zeros(3, 5);
        var e = Assert.Throws<IndexOutOfRangeException>(() => t.Gather(1, Index([0, 1, 7, 2], 2, 2)));
        Assert.Equal("gather: index 7 at position [1, 0] is out of range for dim 1 of size 5.", e.Message);
        Assert.Contains("gather: index [2, 2, 1] must have the same number of dims as input [3, 5]",
            Assert.Throws<ArgumentException>(() => t.Gather(1, Index([0, 0, 0, 0], 2, 2, 1))).Message);
        Assert.Contains("gather: index [4, 1] is larger than input [3, 5] in dim 0 (only dim 1 may be larger)",
            Assert.Throws<ArgumentException>(() => t.Gather(1, Index([0, 0, 0, 0], 4, 1))).Message);
        e = Assert.Throws<IndexOutOfRangeException>(() => t.ScatterAdd(0, Index([0, 3], 1, 2), Tensor.Ones(1, 2)));
        Assert.Equal("scatter_add: index 3 at position [0, 1] is out of range for dim 0 of size 3.", e.Message);
        Assert.Contains("scatter_add: index [2, 2] is larger than src [1, 2] in dim 0",
            Assert.Throws<ArgumentException>(() => t.ScatterAdd(0, Index([0, 0, 0, 0], 2, 2), Tensor.Ones(1, 2))).Message);
        Assert.Contains("scatter_add: src dtype float64 differs from self dtype float32",
            Assert.Throws<ArgumentException>(() => t.ScatterAdd(0, Index([0], 1, 1), Tensor.Ones(new Shape(1, 1), DType.Float64))).Message);
    }

    [Fact]
    public void GradCheckGather()
    {
        GradCheck.Assert(t => t[0].Gather(1, Index([2, 0, 2, 1, 1, 1], 2, 3)), [Leaf([2, 4])]);
        GradCheck.Assert(t => t[0].Gather(0, Index([1, 0, 1, 2], 2, 2)), [Leaf([3, 3])]);
        GradCheck.Assert(t => t[0].Gather(2, Index([0, 2, 2, 1, 0, 1], 1, 2, 3)), [Leaf([2, 2, 4])]);
    }

    [Fact]
    public void GradCheckScatterAddForSelfAndSrc()
    {
        var index = Index([0, 3, 0, 1, 1, 2], 2, 3);
        GradCheck.Assert(t => t[0].ScatterAdd(1, index, t[1]), [Leaf([2, 4]), Leaf([2, 3], 2)]);
        // src larger than the index: its unused elements get zero gradient.
        GradCheck.Assert(t => t[0].ScatterAdd(0, Index([2, 0], 1, 2), t[1]), [Leaf([3, 3]), Leaf([2, 3], 3)]);
    }
}
