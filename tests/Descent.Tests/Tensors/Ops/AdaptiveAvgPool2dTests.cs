using Descent.Kernels;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class AdaptiveAvgPool2dTests
{
    [Theory]
    [InlineData(2, 2, 5, 7, 3, 2)]
    [InlineData(2, 3, 4, 5, 1, 1)]
    [InlineData(1, 1, 3, 3, 4, 5)]
    [InlineData(1, 2, 10, 10, 3, 7)]
    [InlineData(1, 1, 7, 1, 2, 1)]
    [InlineData(3, 2, 16, 16, 16, 16)]
    public void ForwardMatchesTheDefinitionAndGradChecks(int n, int c, int h, int w, int oh, int ow)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, n, c, h, w);
            var y = Tensor.AdaptiveAvgPool2d(x, (oh, ow));
            Assert.Equal(new Shape(n, c, oh, ow), y.Shape);
            var xs = x.ToDoubleArray();
            var expected = new List<double>();
            for (int plane = 0; plane < n * c; plane++)
                expected.AddRange(NNReference.AdaptiveAvgPlane(xs[(plane * h * w)..((plane + 1) * h * w)], h, w, oh, ow));
            var (atol, rtol) = NNTestData.Tolerance(dtype);
            NNTestData.Close([.. expected], y.ToDoubleArray(), atol, rtol, dtype.ToString());
        }
        if (n * c * h * w <= 200)
            GradCheck.Assert(t => Tensor.AdaptiveAvgPool2d(t[0], (oh, ow)), [NNTestData.Leaf(2, n, c, h, w)]);
    }

    [Fact]
    public void BinsFollowPyTorchsStartAndEndFormulas()
    {
        // 5 inputs into 3 bins: [0, 2), [1, 4), [3, 5) — overlapping, as floor(i*5/3) and ceil((i+1)*5/3) give.
        Assert.Equal([0, 1, 3], new[] { 0, 1, 2 }.Select(i => AdaptiveAvgPool2dKernels.Start(i, 5, 3)));
        Assert.Equal([2, 4, 5], new[] { 0, 1, 2 }.Select(i => AdaptiveAvgPool2dKernels.End(i, 5, 3)));
        // Upsampling 2 → 3 repeats the middle input: [0, 1), [0, 2), [1, 2).
        Assert.Equal([0, 0, 1], new[] { 0, 1, 2 }.Select(i => AdaptiveAvgPool2dKernels.Start(i, 2, 3)));
        Assert.Equal([1, 2, 2], new[] { 0, 1, 2 }.Select(i => AdaptiveAvgPool2dKernels.End(i, 2, 3)));
        var x = Tensor.FromArray(new double[,,] { { { 1, 2, 3, 4, 5 } } });
        Assert.Equal([1.5, 3, 4.5], Tensor.AdaptiveAvgPool2d(x, (1, 3)).ToDoubleArray());
    }

    [Fact]
    public void GlobalPoolingIsThePlaneMean()
    {
        var x = NNTestData.Random(DType.Float64, 5, 2, 3, 4, 5);
        var y = Tensor.AdaptiveAvgPool2d(x, 1);
        Assert.Equal(new Shape(2, 3, 1, 1), y.Shape);
        var xs = x.ToDoubleArray();
        for (int plane = 0; plane < 6; plane++)
            Assert.Equal(xs.Skip(plane * 20).Take(20).Average(), y.ToDoubleArray()[plane], 1e-12);
    }

    [Fact]
    public void ErrorsNameTheOp()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.AdaptiveAvgPool2d(Tensor.Zeros(2, 3, 0, 4), 2));
        Assert.Contains("adaptive_avg_pool2d: expected input with non-zero channel, height and width dims, got [2, 3, 0, 4]", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.AdaptiveAvgPool2d(Tensor.Zeros(2, 3, 4, 4), (-1, 2)));
        Assert.Contains("adaptive_avg_pool2d: output_size must be non-negative, got (-1, 2)", r.Message);
    }
}
