using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>The NN ops read views at a storage offset (a batch slice) and unbatched inputs exactly like copies.</summary>
public class NNViewInputTests
{
    private static void SameAsCopy(Func<Tensor, Tensor> op, Tensor full)
    {
        var view = full.Narrow(0, 1, 2);
        Assert.NotEqual(0, view.Offset);
        var copy = Tensor.FromArray(view.ToDoubleArray(), view.Shape.ToArray());
        Assert.Equal(op(copy).ToDoubleArray(), op(view).ToDoubleArray());
    }

    [Fact]
    public void OpsOnBatchSlicesMatchOpsOnCopies()
    {
        var x = NNTestData.Random(DType.Float64, 1, 4, 3, 8, 8);
        var w = NNTestData.Random(DType.Float64, 2, 6, 3, 3, 3);
        var wt = NNTestData.Random(DType.Float64, 3, 3, 2, 3, 3);
        SameAsCopy(t => Tensor.Conv2d(t, w, null, 1, 1), x);
        SameAsCopy(t => Tensor.ConvTranspose2d(t, wt, null, 2, 1, 1), x);
        SameAsCopy(t => Tensor.Unfold(t, 3, padding: 1), x);
        SameAsCopy(t => Tensor.MaxPool2d(t, 2), x);
        SameAsCopy(t => Tensor.MaxPool2dWithIndices(t, 3, 2, 1).Indices, x);
        SameAsCopy(t => Tensor.AvgPool2d(t, 3, 2, 1), x);
        SameAsCopy(t => Tensor.AdaptiveAvgPool2d(t, (3, 5)), x);
        SameAsCopy(t => t.Softmax(1), x);
        SameAsCopy(t => t.LogSoftmax(-1), x);
        var cols = Tensor.Unfold(x, 3, padding: 1);
        SameAsCopy(t => Tensor.Fold(t, 8, 3, padding: 1), cols);
        var table = NNTestData.Random(DType.Float64, 4, 5, 3);
        SameAsCopy(t => Tensor.Embedding(t, Tensor.FromArray([1L, 0, 1], 3)), table);
    }

    [Fact]
    public void UnbatchedInputsGiveTheSqueezedBatchedResults()
    {
        var x = NNTestData.Random(DType.Float32, 5, 2, 7, 6);
        var batched = x.Unsqueeze(0);
        var wt = NNTestData.Random(DType.Float32, 6, 2, 3, 2, 2);
        Assert.Equal(Tensor.ConvTranspose2d(batched, wt, null, 2).Squeeze(0).ToDoubleArray(), Tensor.ConvTranspose2d(x, wt, null, 2).ToDoubleArray());
        Assert.Equal(new Shape(3, 14, 12), Tensor.ConvTranspose2d(x, wt, null, 2).Shape);
        Assert.Equal(Tensor.AvgPool2d(batched, 2).Squeeze(0).ToDoubleArray(), Tensor.AvgPool2d(x, 2).ToDoubleArray());
        Assert.Equal(new Shape(2, 3, 3), Tensor.AvgPool2d(x, 2).Shape);
        Assert.Equal(Tensor.AdaptiveAvgPool2d(batched, 2).Squeeze(0).ToDoubleArray(), Tensor.AdaptiveAvgPool2d(x, 2).ToDoubleArray());
        var (v, i) = Tensor.MaxPool2dWithIndices(x, 2);
        Assert.Equal(new Shape(2, 3, 3), i.Shape);
        Assert.Equal(Tensor.MaxPool2dWithIndices(batched, 2).Indices.ToArray<long>(), i.ToArray<long>());
        Assert.Equal(Tensor.MaxPool2d(batched, 2).ToDoubleArray(), v.ToDoubleArray());
    }
}
