using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class AvgPool2dTests
{
    // n, c, h, w, kh, kw, sh, sw, ph, pw, ceil, count_include_pad, divisor (0 = none)
    public static TheoryData<int[]> Configs => new()
    {
        new[] { 2, 2, 4, 6, 2, 2, 2, 2, 0, 0, 0, 1, 0 },
        new[] { 1, 2, 5, 5, 3, 3, 2, 2, 1, 1, 0, 1, 0 },
        new[] { 1, 2, 6, 6, 3, 3, 2, 2, 1, 1, 1, 0, 0 },
        new[] { 1, 1, 4, 4, 2, 2, 1, 1, 0, 0, 0, 1, 3 },
        new[] { 2, 3, 7, 5, 3, 2, 2, 1, 1, 1, 1, 1, 0 },
        new[] { 1, 1, 7, 9, 3, 3, 3, 2, 1, 0, 1, 0, 0 },
        new[] { 2, 2, 20, 70, 2, 2, 2, 2, 0, 0, 0, 1, 0 },
        new[] { 1, 1, 5, 7, 2, 2, 2, 2, 0, 0, 1, 1, 0 },
        new[] { 1, 1, 9, 40, 2, 2, 2, 2, 0, 0, 0, 1, 5 },
        new[] { 1, 2, 4, 5, 3, 3, 2, 2, 1, 1, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ForwardMatchesTheDefinition(int[] cfg)
    {
        var (n, c, h, w) = (cfg[0], cfg[1], cfg[2], cfg[3]);
        (int H, int W) k = (cfg[4], cfg[5]), s = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]);
        bool ceil = cfg[10] == 1, includePad = cfg[11] == 1;
        int? divisor = cfg[12] == 0 ? null : cfg[12];
        int oh = MaxPool2dTests.OutSize(h, k.H, s.H, p.H, 1, ceil), ow = MaxPool2dTests.OutSize(w, k.W, s.W, p.W, 1, ceil);
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, n, c, h, w);
            var y = Tensor.AvgPool2d(x, k, s, p, ceil, includePad, divisor);
            Assert.Equal(new Shape(n, c, oh, ow), y.Shape);
            var xs = x.ToDoubleArray();
            var expected = new List<double>();
            for (int plane = 0; plane < n * c; plane++)
                expected.AddRange(NNReference.AvgPoolPlane(xs[(plane * h * w)..((plane + 1) * h * w)], h, w, k, s, p, includePad, divisor, oh, ow));
            var (atol, rtol) = NNTestData.Tolerance(dtype);
            NNTestData.Close([.. expected], y.ToDoubleArray(), atol, rtol, dtype.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GradCheckFloat64(int[] cfg)
    {
        if (cfg[0] * cfg[1] * cfg[2] * cfg[3] > 400) return;   // the wide SIMD cases are covered by the forward test
        Size2 k = (cfg[4], cfg[5]), s = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]);
        int? divisor = cfg[12] == 0 ? null : cfg[12];
        var x = NNTestData.Leaf(3, cfg[0], cfg[1], cfg[2], cfg[3]);
        GradCheck.Assert(t => Tensor.AvgPool2d(t[0], k, s, p, cfg[10] == 1, cfg[11] == 1, divisor), [x]);
    }

    [Fact]
    public void PaddingCountsOnlyWhenIncluded()
    {
        var x = Tensor.Ones(new Shape(1, 1, 2, 2), DType.Float64);
        // 3×3 windows with padding 1 over a 2×2 plane of ones: 4 real taps of 9.
        Assert.Equal([4.0 / 9, 4.0 / 9, 4.0 / 9, 4.0 / 9], Tensor.AvgPool2d(x, 3, 1, 1).ToDoubleArray());
        Assert.Equal([1.0, 1, 1, 1], Tensor.AvgPool2d(x, 3, 1, 1, countIncludePad: false).ToDoubleArray());
        Assert.Equal([2.0, 2, 2, 2], Tensor.AvgPool2d(x, 3, 1, 1, divisorOverride: 2).ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 4, 4), 2, divisorOverride: 0));
        Assert.Contains("avg_pool2d: divisor_override must be non-zero", r.Message);
        var e = Assert.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 4, 4), 2, padding: 2));
        Assert.Contains("avg_pool2d: pad should be at most half of effective kernel size, but got pad=(2, 2), kernel_size=(2, 2)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.AvgPool2d(Tensor.Zeros(1, 1, 1, 4), 2));
        Assert.Contains("avg_pool2d: input [1, 1, 1, 4] is too small", e.Message);
    }
}
