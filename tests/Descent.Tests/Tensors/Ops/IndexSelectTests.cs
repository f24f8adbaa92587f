using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class IndexSelectTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void SelectsRowsAndColumnsWithRepeats(DType dtype)
    {
        var t = Tensor.Arange(12, dtype).Reshape(3, 4);
        var rows = t.IndexSelect(0, Index([2, 0, 2]));
        Assert.Equal(new Shape(3, 4), rows.Shape);
        Assert.Equal([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11], rows.ToDoubleArray());
        var cols = t.IndexSelect(-1, Index([3, 1]));
        Assert.Equal(new Shape(3, 2), cols.Shape);
        Assert.Equal([3, 1, 7, 5, 11, 9], cols.ToDoubleArray());
        Assert.Equal(new Shape(0, 4), t.IndexSelect(0, Index([])).Shape);
    }

    [Fact]
    public void BoolMasksAndScalarIndex()
    {
        var m = Tensor.FromArray(new[] { true, false, false, true }, 2, 2);
        Assert.Equal([0, 1, 1, 0], m.IndexSelect(0, Index([1, 0])).ToDoubleArray());
        var s = Tensor.FromArray(new long[] { 1 }, []);
        Assert.Equal([0, 1], m.IndexSelect(1, s).ToDoubleArray());
    }

    [Fact]
    public void EmbeddingLookupIsIndexSelectOnDimZero()
    {
        var weight = Rand([10, 6], DType.Float32);
        var ids = Index([7, 7, 0, 9]);
        var e = weight.IndexSelect(0, ids);
        for (int j = 0; j < 4; j++)
            for (int c = 0; c < 6; c++)
                Assert.Equal(weight[(int)ids.GetDouble(j), c], e[j, c]);
    }

    [Fact]
    public void OutOfRangeErrorsNameIndexPositionDimAndSize()
    {
        var t = Tensor.Zeros(5, 2);
        var e = Assert.Throws<IndexOutOfRangeException>(() => t.IndexSelect(0, Index([0, 1, 2, 7])));
        Assert.Equal("index_select: index 7 at position 3 is out of range for dim 0 of size 5.", e.Message);
        e = Assert.Throws<IndexOutOfRangeException>(() => t.IndexSelect(1, Index([-1])));
        Assert.Equal("index_select: index -1 at position 0 is out of range for dim 1 of size 2.", e.Message);
        Assert.Contains("index_select: index must be an int64 tensor, got float32 [2]",
            Assert.Throws<ArgumentException>(() => t.IndexSelect(0, Tensor.Zeros(2))).Message);
        Assert.Contains("index_select: index must be 1-D or a scalar, got shape [1, 2]",
            Assert.Throws<ArgumentException>(() => t.IndexSelect(0, Index([0, 1], 1, 2))).Message);
    }

    [Fact]
    public void BackwardAccumulatesRepeatedIndices()
    {
        var w = Tensor.Zeros(new Shape(4, 2), DType.Float64).RequiresGradInPlace();
        w.IndexSelect(0, Index([1, 3, 1, 1])).Sum().Backward();
        Assert.Equal([0, 0, 3, 3, 0, 0, 1, 1], w.Grad!.ToDoubleArray());
    }

    [Fact]
    public void GradCheckAlongEachDim()
    {
        var index = Index([2, 0, 2, 1]);
        GradCheck.Assert(t => t[0].IndexSelect(0, index), [Leaf([3, 4])]);
        GradCheck.Assert(t => t[0].IndexSelect(1, Index([3, 3, 0])), [Leaf([2, 4, 3])]);
        GradCheck.Assert(t => t[0].IndexSelect(2, index), [Leaf([2, 2, 3])]);
    }
}
