using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class SoftmaxTests
{
    public static TheoryData<int[], int> Shapes => new()
    {
        { new[] { 4, 10 }, -1 },
        { new[] { 4, 10 }, 0 },
        { new[] { 2, 3, 4 }, 1 },
        { new[] { 3, 37 }, 1 },
        { new[] { 2, 5, 300 }, 1 },
        { new[] { 7 }, 0 },
        { new[] { 2, 1, 3 }, 1 },
        { new[] { 64, 130 }, -1 },
        { new[] { 3, 4, 5, 6 }, 2 },
    };

    private static (int, int, int) Layout(int[] shape, int dim)
    {
        int d = dim < 0 ? dim + shape.Length : dim, outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[d], inner);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesTheReference(int[] shape, int dim)
    {
        var (outer, size, inner) = Layout(shape, dim);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, shape) * 4;
            var (atol, rtol) = NNTestData.Tolerance(dtype);
            NNTestData.Close(NNReference.Softmax(x.ToDoubleArray(), outer, size, inner, log: false), x.Softmax(dim).ToDoubleArray(),
                atol, rtol, $"{dtype} softmax");
            NNTestData.Close(NNReference.Softmax(x.ToDoubleArray(), outer, size, inner, log: true), x.LogSoftmax(dim).ToDoubleArray(),
                atol, rtol, $"{dtype} log_softmax");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GradCheckFloat64(int[] shape, int dim)
    {
        if (new Shape(shape).Numel > 200) return;
        var x = NNTestData.Leaf(2, shape);
        GradCheck.Assert(t => Tensor.Softmax(t[0], dim), [x]);
        GradCheck.Assert(t => Tensor.LogSoftmax(t[0], dim), [x]);
    }

    [Fact]
    public void LargeInputsDoNotOverflow()
    {
        var x = Tensor.FromArray([1000f, 1001f, 1002f, -1000f], 4);
        var y = x.Softmax(0).ToDoubleArray();
        var e = NNReference.Softmax([1000, 1001, 1002, -1000], 1, 4, 1, log: false);
        NNTestData.Close(e, y, 1e-6, 1e-5);
        Assert.Equal(-1000 - 1002 - Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)), x.LogSoftmax(0).ToDoubleArray()[3], 1e-3);
    }

    [Fact]
    public void RowsOfMinusInfinityGiveNaNLikePyTorch()
    {
        double ninf = double.NegativeInfinity;
        var x = Tensor.FromArray(new double[,] { { ninf, ninf, ninf }, { ninf, 0, ninf }, { 1, double.NaN, 2 } });
        foreach (var t in new[] { x, x.To(DType.Float32) })
        {
            var s = t.Softmax(1).ToDoubleArray();
            var l = t.LogSoftmax(1).ToDoubleArray();
            Assert.All(s[..3], v => Assert.True(double.IsNaN(v)));
            Assert.All(l[..3], v => Assert.True(double.IsNaN(v)));
            Assert.Equal([0.0, 1, 0], s[3..6]);
            Assert.Equal([ninf, 0, ninf], l[3..6]);
            Assert.All(s[6..], v => Assert.True(double.IsNaN(v)));
            Assert.All(l[6..], v => Assert.True(double.IsNaN(v)));
            // Along dim 0 (strided kernel): column 0 is all −∞.
            Assert.True(double.IsNaN(t.Narrow(0, 0, 2).Softmax(0).ToDoubleArray()[0]));
        }
    }

    [Fact]
    public void ScalarAndEmptyInputs()
    {
        Assert.Equal(1.0, Tensor.Scalar(3.5, DType.Float64).Softmax(-1).Item());
        Assert.Equal(0.0, Tensor.Scalar(3.5, DType.Float64).LogSoftmax(0).Item());
        Assert.Equal(new Shape(0, 4), Tensor.Zeros(0, 4).Softmax(1).Shape);
        Assert.Equal(new Shape(3, 0), Tensor.Zeros(3, 0).LogSoftmax(1).Shape);
    }

    [Fact]
    public void ErrorsNameTheOp()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Softmax(2));
        Assert.Contains("softmax: dimension 2 out of range for a tensor of rank 2", e.Message);
        var f = Assert.Throws<InvalidOperationException>(() => Tensor.FromArray([1L, 2], 2).LogSoftmax(0));
        Assert.Contains("log_softmax: expected a float32 or float64 tensor, got int64", f.Message);
    }
}
