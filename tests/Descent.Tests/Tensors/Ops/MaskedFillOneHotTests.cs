using Descent.Tensors;
using Descent.Tensors.Autograd;
using static Descent.Tests.Tensors.Ops.OpTestData;

namespace Descent.Tests.Tensors.Ops;

public class MaskedFillOneHotTests
{
    private static Tensor Mask(bool[] values, params int[] shape) => Tensor.FromArray(values, shape);

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void MaskedFillReplacesMaskedElements(DType dtype)
    {
        var t = Tensor.Arange(6, dtype).Reshape(2, 3);
        var o = t.MaskedFill(Mask([true, false, true, false, false, true], 2, 3), -7);
        Assert.Equal(dtype, o.DType);
        Assert.Equal([-7, 1, -7, 3, 4, -7], o.ToDoubleArray());
        Assert.Equal([0, 1, 2, 3, 4, 5], t.ToDoubleArray());
    }

    [Fact]
    public void MaskBroadcastsOverLeadingAndInnerDims()
    {
        var t = Tensor.Arange(12, DType.Float64).Reshape(2, 2, 3);
        // Causal-style mask over the trailing dims, repeated over the batch.
        var trailing = t.MaskedFill(Mask([false, true, true, false, false, true], 2, 3), 0);
        Assert.Equal([0, 0, 0, 3, 4, 0, 6, 0, 0, 9, 10, 0], trailing.ToDoubleArray());
        // Column mask [2, 1, 1]: needs an expand.
        var perBatch = t.MaskedFill(Mask([false, true], 2, 1, 1), double.NegativeInfinity);
        Assert.Equal([0, 1, 2, 3, 4, 5, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity,
            double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity], perBatch.ToDoubleArray());
        // The mask may also be larger than the input: both broadcast.
        var grown = Tensor.FromArray([1.0, 2], 2).MaskedFill(Mask([true, false, false, true], 2, 2), 9);
        Assert.Equal(new Shape(2, 2), grown.Shape);
        Assert.Equal([9, 2, 1, 9], grown.ToDoubleArray());
    }

    [Fact]
    public void MaskedFillOnBoolAndErrors()
    {
        var b = Mask([true, true, false], 3);
        Assert.Equal([0, 1, 0], b.MaskedFill(Mask([true, false, false], 3), 0).ToDoubleArray());
        Assert.Contains("masked_fill: mask must be a bool tensor, got float32 [3]",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(3).MaskedFill(Tensor.Zeros(3), 1)).Message);
        Assert.Contains("masked_fill: [2, 3] and [2]: shapes cannot be broadcast",
            Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).MaskedFill(Mask([true, false], 2), 1)).Message);
    }

    [Fact]
    public void GradCheckMaskedFillIncludingBroadcastMask()
    {
        var mask = Mask([true, false, false, true, true, false], 2, 3);
        GradCheck.Assert(t => t[0].MaskedFill(mask, 3), [Leaf([2, 3])]);
        GradCheck.Assert(t => t[0].MaskedFill(mask, -1), [Leaf([4, 2, 3])]);
        GradCheck.Assert(t => t[0].MaskedFill(mask, 0), [Leaf([2, 1])]);
    }

    [Fact]
    public void OneHotMatchesPyTorch()
    {
        var oh = Tensor.OneHot(Index([0, 2, 1]), 4);
        Assert.Equal(DType.Int64, oh.DType);
        Assert.Equal(new Shape(3, 4), oh.Shape);
        Assert.Equal([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0], oh.ToDoubleArray());
        var inferred = Tensor.OneHot(Index([1, 3, 0, 1], 2, 2));
        Assert.Equal(new Shape(2, 2, 4), inferred.Shape);
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0], inferred.ToDoubleArray());
        var f = Tensor.OneHot(Index([1, 0]), 2, DType.Float32);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([0, 1, 1, 0], f.ToDoubleArray());
        Assert.Equal(new Shape(0, 3), Tensor.OneHot(Index([]), 3).Shape);
    }

    [Fact]
    public void OneHotErrors()
    {
        Assert.Equal("one_hot: class 7 at position [1, 0] is out of range for num_classes 5.",
            Assert.Throws<IndexOutOfRangeException>(() => Tensor.OneHot(Index([1, 2, 7, 0], 2, 2), 5)).Message);
        Assert.Equal("one_hot: class -1 at position 1 is out of range for num_classes 3.",
            Assert.Throws<IndexOutOfRangeException>(() => Tensor.OneHot(Index([0, -1]), 3)).Message);
        Assert.Contains("one_hot: indices must be an int64 tensor, got float32 [2]",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Tensor.Zeros(2), 3)).Message);
        Assert.Contains("one_hot: cannot infer the number of classes from an empty tensor",
            Assert.Throws<ArgumentException>(() => Tensor.OneHot(Index([]))).Message);
    }
}
