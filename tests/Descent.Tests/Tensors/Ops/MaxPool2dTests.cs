using Descent.Kernels;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class MaxPool2dTests
{
    // n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceil
    public static TheoryData<int[]> Configs => new()
    {
        new[] { 2, 2, 4, 6, 2, 2, 2, 2, 0, 0, 1, 1, 0 },
        new[] { 1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 0 },
        new[] { 1, 1, 7, 8, 2, 2, 2, 2, 0, 0, 2, 2, 1 },
        new[] { 2, 3, 7, 9, 3, 2, 2, 3, 1, 1, 1, 1, 1 },
        new[] { 1, 2, 5, 7, 2, 2, 2, 2, 0, 0, 1, 1, 1 },
        new[] { 2, 3, 33, 70, 2, 2, 2, 2, 0, 0, 1, 1, 0 },
        new[] { 2, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0 },
        new[] { 1, 1, 8, 8, 3, 3, 3, 3, 1, 1, 2, 2, 1 },
        new[] { 1, 2, 4, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1 },
        new[] { 3, 2, 9, 4, 1, 3, 1, 2, 0, 1, 1, 1, 0 },
    };

    /// <summary>PyTorch's documented output size, with the ceil-mode rule that a window may not start in the right padding.</summary>
    internal static int OutSize(int input, int k, int s, int p, int d, bool ceil)
    {
        double q = (double)(input + 2 * p - d * (k - 1) - 1) / s;
        int o = (int)(ceil ? Math.Ceiling(q) : Math.Floor(q)) + 1;
        if (ceil && (o - 1) * s >= input + p) o--;
        return o;
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void ValuesIndicesAndGradientMatchTheDefinition(int[] cfg)
    {
        var (n, c, h, w) = (cfg[0], cfg[1], cfg[2], cfg[3]);
        (int H, int W) k = (cfg[4], cfg[5]), s = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]), d = (cfg[10], cfg[11]);
        bool ceil = cfg[12] == 1;
        int oh = OutSize(h, k.H, s.H, p.H, d.H, ceil), ow = OutSize(w, k.W, s.W, p.W, d.W, ceil);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, n, c, h, w).RequiresGradInPlace();
            var (values, indices) = Tensor.MaxPool2dWithIndices(x, k, s, p, d, ceil);
            Assert.Equal(new Shape(n, c, oh, ow), values.Shape);
            Assert.Equal(DType.Int64, indices.DType);
            var xs = x.ToDoubleArray();
            var g = NNTestData.Random(dtype, 2, n, c, oh, ow);
            var gs = g.ToDoubleArray();
            var expectedDx = new double[xs.Length];
            for (int plane = 0; plane < n * c; plane++)
            {
                var (v, idx) = NNReference.MaxPoolPlane(xs[(plane * h * w)..((plane + 1) * h * w)], h, w, k, s, p, d, oh, ow);
                Assert.Equal(v, values.ToDoubleArray()[(plane * oh * ow)..((plane + 1) * oh * ow)]);
                Assert.Equal(idx, indices.ToArray<long>()[(plane * oh * ow)..((plane + 1) * oh * ow)]);
                for (int i = 0; i < idx.Length; i++) expectedDx[plane * h * w + idx[i]] += gs[plane * oh * ow + i];
            }
            values.Backward(g);
            NNTestData.Close(expectedDx, x.Grad!.ToDoubleArray(), 1e-6, 1e-6, $"{dtype} dx");
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GradCheckFloat64(int[] cfg)
    {
        if (cfg[0] * cfg[1] * cfg[2] * cfg[3] > 200) return;   // the wide SIMD case is covered above
        Size2 k = (cfg[4], cfg[5]), s = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]), d = (cfg[10], cfg[11]);
        var x = NNTestData.Leaf(3, cfg[0], cfg[1], cfg[2], cfg[3]);
        GradCheck.Assert(t => Tensor.MaxPool2d(t[0], k, s, p, d, cfg[12] == 1), [x]);
    }

    [Theory]
    [InlineData(5, 2, 1, 2, 1, true, 3)]
    [InlineData(4, 3, 1, 2, 1, true, 3)]
    [InlineData(4, 3, 1, 2, 1, false, 2)]
    [InlineData(7, 2, 0, 2, 2, true, 3)]
    [InlineData(5, 2, 0, 2, 1, true, 3)]
    [InlineData(5, 2, 0, 2, 1, false, 2)]
    [InlineData(6, 3, 1, 2, 1, true, 4)]
    [InlineData(1, 1, 0, 1, 1, true, 1)]
    public void OutputSizeFollowsPyTorch(int input, int kernel, int pad, int stride, int dilation, bool ceil, int expected)
    {
        // Expected values worked out by hand from PyTorch's pooling_output_shape.
        Assert.Equal(expected, Pool2dGeometry.OutputSize(input, kernel, pad, stride, dilation, ceil));
        var y = Tensor.MaxPool2d(Tensor.Zeros(1, 1, input, input), kernel, stride, pad, dilation, ceil);
        Assert.Equal(new Shape(1, 1, expected, expected), y.Shape);
    }

    [Fact]
    public void TiesKeepTheFirstMaximumAndNaNPropagates()
    {
        var nan = double.NaN;
        var x = Tensor.FromArray(new double[,,,]
        {
            { { { 1, 1, 2, nan, 5, 5, double.NegativeInfinity, double.NegativeInfinity },
                { 1, 1, 2, 2, 5, nan, double.NegativeInfinity, double.NegativeInfinity } } },
        });
        var (v, i) = Tensor.MaxPool2dWithIndices(x, 2);
        var values = v.ToDoubleArray();
        Assert.Equal(1, values[0]);
        Assert.True(double.IsNaN(values[1]));
        Assert.True(double.IsNaN(values[2]));
        Assert.Equal(double.NegativeInfinity, values[3]);
        // Ties → first in row-major window order; NaN → the last NaN scanned; all −∞ → first tap.
        Assert.Equal([0L, 3, 13, 6], i.ToArray<long>());
        var f = Tensor.MaxPool2dWithIndices(x.To(DType.Float32), 2).Indices;
        Assert.Equal(i.ToArray<long>(), f.ToArray<long>());
    }

    [Fact]
    public void UnbatchedInputAndOverlappingWindowsAccumulate()
    {
        var x = Tensor.FromArray(new double[,,] { { { 0, 0, 0 }, { 0, 9, 0 }, { 0, 0, 0 } } }).RequiresGradInPlace();
        var y = Tensor.MaxPool2d(x, 2, 1);
        Assert.Equal(new Shape(1, 2, 2), y.Shape);
        y.Sum().Backward();
        Assert.Equal([0, 0, 0, 0, 4, 0, 0, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var x = Tensor.Zeros(1, 1, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 3, padding: 2));
        Assert.Equal("max_pool2d: pad should be at most half of effective kernel size, but got pad=(2, 2), kernel_size=(3, 3) and dilation=(1, 1).", e.Message);
        Assert.Equal(new Shape(1, 1, 4, 4), Tensor.MaxPool2d(Tensor.Zeros(1, 1, 8, 8), 3, 2, 2, 2).Shape);
        e = Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(x, 3));
        Assert.Contains("max_pool2d: input [1, 1, 2, 2] is too small: kernel_size (3, 3), stride (3, 3), padding (0, 0) and dilation (1, 1) give output size 0x0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(4, 4), 2));
        Assert.Contains("max_pool2d: expected a 3-D (unbatched) or 4-D (batched) input, got [4, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.MaxPool2d(Tensor.Zeros(1, 0, 4, 4), 2));
        Assert.Contains("max_pool2d: expected input with non-zero channel, height and width dims, got [1, 0, 4, 4]", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.MaxPool2d(x, (0, 2)));
        Assert.Contains("max_pool2d: kernel_size must be positive, got (0, 2)", r.Message);
    }
}
