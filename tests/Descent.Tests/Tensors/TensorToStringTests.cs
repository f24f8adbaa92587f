using Descent.Tensors;

namespace Descent.Tests.Tensors;

/// <summary>Tensor.ToString against strings PyTorch 1.13 prints for the same tensors (default print options).</summary>
public class TensorToStringTests
{
    [Fact]
    public void IntegerValuedFloatsPrintWithATrailingDot() =>
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", Tensor.FromArray(new float[,] { { 1, 2 }, { 3, 4 } }).ToString());

    [Fact]
    public void FractionsPrintWithFourDecimalsAlignedToOneWidth()
    {
        Assert.Equal("tensor([[1.5000, 2.2500],\n        [3.0000, 4.1250]])", Tensor.FromArray(new float[,] { { 1.5f, 2.25f }, { 3, 4.125f } }).ToString());
        Assert.Equal("tensor([-1.5000,  2.0000])", Tensor.FromArray([-1.5f, 2f], 2).ToString());
        Assert.Equal("tensor(3.5000)", Tensor.Scalar(3.5).ToString());
    }

    [Fact]
    public void ScientificNotationWhenTheRangeIsWide()
    {
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Tensor.FromArray([1e-5f, 1f], 2).ToString());
        Assert.Equal("tensor([1.0000e+09])", Tensor.FromArray([1e9f], 1).ToString());
        Assert.Equal("tensor([1.0000e-10, 1.0000e+00], dtype=torch.float64)", Tensor.FromArray([1e-10, 1.0], 2).ToString());
    }

    [Fact]
    public void NonFiniteValuesAndZeros()
    {
        Assert.Equal("tensor([   nan, 1.5000,    inf])", Tensor.FromArray([float.NaN, 1.5f, float.PositiveInfinity], 3).ToString());
        Assert.Equal("tensor([0., 0., 0.])", Tensor.Zeros(3).ToString());
        Assert.Equal("tensor([nan, 0., -inf])", Tensor.FromArray([float.NaN, 0f, float.NegativeInfinity], 3).ToString());
    }

    [Fact]
    public void IntegerAndBoolTensors()
    {
        Assert.Equal("tensor([ 0, 10, -3])", Tensor.FromArray(new long[] { 0, 10, -3 }, 3).ToString());
        Assert.Equal("tensor([ True, False])", Tensor.FromArray([true, false], 2).ToString());
    }

    [Fact]
    public void ThreeDimensionsSeparateBlocksWithBlankLines() =>
        Assert.Equal("tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])", Tensor.Zeros(2, 2, 2).ToString());

    [Fact]
    public void LargeTensorsAreSummarizedWithEdgeItems()
    {
        Assert.Equal("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])",
            Tensor.Arange(2000).ToString());
        string row = "[1., 1., 1.,  ..., 1., 1., 1.]";
        string expected = "tensor([" + row + ",\n        " + row + ",\n        " + row + ",\n        ...,\n        "
            + row + ",\n        " + row + ",\n        " + row + "])";
        Assert.Equal(expected, Tensor.Ones(40, 30).ToString());
    }

    [Fact]
    public void LongVectorsWrapAtEightyColumns()
    {
        var t = Tensor.Arange(0, 10, 0.5);
        Assert.Equal(
            "tensor([0.0000, 0.5000, 1.0000, 1.5000, 2.0000, 2.5000, 3.0000, 3.5000, 4.0000,\n" +
            "        4.5000, 5.0000, 5.5000, 6.0000, 6.5000, 7.0000, 7.5000, 8.0000, 8.5000,\n" +
            "        9.0000, 9.5000])", t.ToString());
    }

    [Fact]
    public void AutogradSuffixes()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequiresGradInPlace();
        Assert.Equal("tensor([1., 2.], requires_grad=True)", x.ToString());
        Assert.Equal("tensor([1.], grad_fn=<ExpBackward>)", Tensor.Exp(Tensor.Zeros(1).RequiresGradInPlace()).ToString());
        var y = Tensor.Exp(Tensor.FromArray([0.0], 1).RequiresGradInPlace());
        Assert.Equal("tensor([1.], dtype=torch.float64, grad_fn=<ExpBackward>)", y.ToString());
    }

    [Fact]
    public void EmptyTensorsShowSizeAndDType()
    {
        Assert.Equal("tensor([])", Tensor.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Tensor.Zeros(0, 3).ToString());
        Assert.Equal("tensor([], dtype=torch.int64)", Tensor.Zeros(new Shape(0), DType.Int64).ToString());
    }

    [Fact]
    public void SuffixMovesToANewLineWhenTheLineWouldExceedEightyColumns()
    {
        var t = Tensor.FromArray([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5], 9);
        Assert.Equal("tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000],\n       dtype=torch.float64)",
            t.ToString());
    }
}
