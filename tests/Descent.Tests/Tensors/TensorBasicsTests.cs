using Descent.Tensors;

namespace Descent.Tests.Tensors;

public class TensorBasicsTests
{
    [Fact]
    public void FromArrayKeepsShapeAndRowMajorOrder()
    {
        var t = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal(6.0, t[1, 2]);
        Assert.Equal([1, 2, 3, 4, 5, 6], t.ToDoubleArray());
    }

    [Fact]
    public void FromArrayRejectsWrongElementCount()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.FromArray(new float[5], 2, 3));
        Assert.Contains("5 values do not fill shape [2, 3]", e.Message);
    }

    [Fact]
    public void ViewsShareStorage()
    {
        var t = Tensor.Arange(12).Reshape(3, 4);
        var flat = t.Flatten();
        var row = t.Narrow(0, 1, 1).Squeeze(0);
        var u = t.Unsqueeze(0);
        Assert.Same(t.Storage, flat.Storage);
        Assert.Same(t.Storage, row.Storage);
        Assert.Same(t.Storage, u.Storage);
        Assert.Equal(new Shape(1, 3, 4), u.Shape);
        row.FillInPlace(-1);
        Assert.Equal([0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11], t.ToDoubleArray());
    }

    [Fact]
    public void ReshapeInfersOneDimAndNamesBadShapes()
    {
        var t = Tensor.Zeros(4, 6);
        Assert.Equal(new Shape(3, 8), t.Reshape(3, -1).Shape);
        var e = Assert.Throws<ArgumentException>(() => t.Reshape(5, -1));
        Assert.Contains("reshape: shape [5, -1] is invalid for input [4, 6] of size 24", e.Message);
    }

    [Fact]
    public void NarrowAlongInnerDimCopies()
    {
        var t = Tensor.Arange(12).Reshape(3, 4);
        var n = t.Narrow(1, 1, 2);
        Assert.NotSame(t.Storage, n.Storage);
        Assert.Equal([1, 2, 5, 6, 9, 10], n.ToDoubleArray());
    }

    [Fact]
    public void CreationOps()
    {
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], Tensor.Linspace(0, 1, 5).ToDoubleArray());
        Assert.Equal([1, 0, 0, 0, 1, 0], Tensor.Eye(2, 3).ToDoubleArray());
        Assert.Equal([2, 2.5, 3, 3.5], Tensor.Arange(2, 4, 0.5).ToDoubleArray());
        Assert.Equal([7, 7], Tensor.Full(new Shape(2), 7, DType.Float64).ToDoubleArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Arange(0, 1, 0));
    }

    [Fact]
    public void BroadcastingArithmetic()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var row = Tensor.FromArray([10.0, 20, 30], 3);
        var col = Tensor.FromArray([100.0, 200], 2, 1);
        Assert.Equal([11, 22, 33, 14, 25, 36], (a + row).ToDoubleArray());
        Assert.Equal([101, 102, 103, 204, 205, 206], (a + col).ToDoubleArray());
        Assert.Equal([110, 120, 130, 210, 220, 230], (row + col).ToDoubleArray());
        Assert.Equal(new Shape(2, 3), (row + col).Shape);
        Assert.Equal([2, 4, 6, 8, 10, 12], (a * 2).ToDoubleArray());
        Assert.Equal([-0.5, 0, 0.5, 1, 1.5, 2], ((a - 2) / 2).ToDoubleArray());
    }

    [Fact]
    public void BroadcastErrorNamesOpAndShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Equal("add: [2, 3] and [4]: shapes cannot be broadcast (dim -1: 3 vs 4).", e.Message);
    }

    [Fact]
    public void Float32AndFloat64PromoteToFloat64()
    {
        var a = Tensor.Ones(new Shape(2), DType.Float32);
        var b = Tensor.Ones(new Shape(2), DType.Float64);
        Assert.Equal(DType.Float64, (a + b).DType);
    }

    [Fact]
    public void SumAlongDims()
    {
        var t = Tensor.Arange(24, DType.Float64).Reshape(2, 3, 4);
        Assert.Equal(276, t.Sum().Item());
        Assert.Equal(new Shape(2, 4), t.Sum(1).Shape);
        Assert.Equal(new Shape(2, 1, 4), t.Sum(1, keepDim: true).Shape);
        Assert.Equal([12, 15, 18, 21, 48, 51, 54, 57], t.Sum(1).ToDoubleArray());
        Assert.Equal([66, 210], t.Sum([1, 2]).ToDoubleArray());
        Assert.Equal([60, 66, 72, 78], t.Sum([0, 1]).ToDoubleArray());
    }

    [Fact]
    public void ExpandMaterializesBroadcast()
    {
        var t = Tensor.FromArray([1.0, 2], 2, 1);
        Assert.Equal([1, 1, 1, 2, 2, 2], t.Expand(new Shape(2, 3)).ToDoubleArray());
        Assert.Equal([1, 2, 1, 2], t.Expand(new Shape(2, 2, 1)).ToDoubleArray());
    }

    [Fact]
    public void IntegerDTypesRejectFloatOps()
    {
        var idx = Tensor.FromArray(new long[] { 1, 2 }, 2);
        var e = Assert.Throws<InvalidOperationException>(() => idx + idx);
        Assert.Contains("add: expected a float32 or float64 tensor, got int64 [2]", e.Message);
    }
}
