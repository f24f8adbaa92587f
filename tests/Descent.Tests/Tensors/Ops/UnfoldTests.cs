using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class UnfoldTests
{
    // n, c, h, w, kh, kw, dh, dw, ph, pw, sh, sw
    public static TheoryData<int[]> Configs => new()
    {
        new[] { 2, 3, 5, 6, 3, 3, 1, 1, 0, 0, 1, 1 },
        new[] { 1, 2, 7, 5, 2, 3, 1, 2, 1, 1, 2, 1 },
        new[] { 2, 1, 6, 6, 3, 2, 2, 1, 2, 0, 1, 3 },
        new[] { 1, 2, 4, 4, 1, 1, 1, 1, 0, 0, 1, 1 },
        new[] { 1, 1, 3, 3, 5, 5, 1, 1, 1, 1, 1, 1 },
        new[] { 3, 2, 9, 4, 4, 2, 2, 1, 3, 1, 3, 2 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void UnfoldMatchesTheDefinitionAndFoldIsItsAdjoint(int[] cfg)
    {
        var (n, c, h, w, kh, kw) = (cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5]);
        var (d, p, s) = ((cfg[6], cfg[7]), (cfg[8], cfg[9]), (cfg[10], cfg[11]));
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, n, c, h, w);
            var cols = Tensor.Unfold(x, (kh, kw), d, p, s);
            var expected = NNReference.Unfold(x.ToDoubleArray(), n, c, h, w, kh, kw, d, p, s, out int oh, out int ow);
            Assert.Equal(new Shape(n, c * kh * kw, oh * ow), cols.Shape);
            Assert.Equal(expected, cols.ToDoubleArray());
            Assert.Equal(cols.ToDoubleArray(), Tensor.Im2Col(x, (kh, kw), d, p, s).ToDoubleArray());

            // fold is the adjoint: <unfold(x), y> = <x, fold(y)>.
            var y = NNTestData.Random(dtype, 2, cols.Shape.ToArray());
            var folded = Tensor.Fold(y, (h, w), (kh, kw), d, p, s);
            Assert.Equal(x.Shape, folded.Shape);
            double lhs = 0, rhs = 0;
            var (cv, yv, xv, fv) = (cols.ToDoubleArray(), y.ToDoubleArray(), x.ToDoubleArray(), folded.ToDoubleArray());
            for (int i = 0; i < cv.Length; i++) lhs += cv[i] * yv[i];
            for (int i = 0; i < xv.Length; i++) rhs += xv[i] * fv[i];
            Assert.Equal(lhs, rhs, dtype == DType.Float64 ? 1e-10 : 1e-3);
            Assert.Equal(folded.ToDoubleArray(), Tensor.Col2Im(y, (h, w), (kh, kw), d, p, s).ToDoubleArray());
        }
    }

    [Fact]
    public void FoldOfUnfoldCountsHowOftenEachPixelIsCovered()
    {
        // fold(unfold(ones)) = number of windows covering each pixel (the divisor PyTorch's docs use).
        var ones = Tensor.Ones(new Shape(1, 1, 4, 4), DType.Float64);
        var count = Tensor.Fold(Tensor.Unfold(ones, 3, padding: 1), 4, 3, padding: 1);
        Assert.Equal([4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4], count.ToDoubleArray());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GradCheckFloat64(int[] cfg)
    {
        var (n, c, h, w, kh, kw) = (cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5]);
        Size2 d = (cfg[6], cfg[7]), p = (cfg[8], cfg[9]), s = (cfg[10], cfg[11]);
        var x = NNTestData.Leaf(3, n, c, h, w);
        GradCheck.Assert(t => Tensor.Unfold(t[0], (kh, kw), d, p, s), [x]);
        var cols = Tensor.Unfold(x.Detach(), (kh, kw), d, p, s);
        var y = NNTestData.Leaf(4, cols.Shape.ToArray());
        GradCheck.Assert(t => Tensor.Fold(t[0], (h, w), (kh, kw), d, p, s), [y]);
    }

    [Fact]
    public void UnbatchedShapes()
    {
        var x = NNTestData.Random(DType.Float32, 5, 2, 5, 5);
        var cols = Tensor.Unfold(x, 2);
        Assert.Equal(new Shape(8, 16), cols.Shape);
        Assert.Equal(new Shape(2, 5, 5), Tensor.Fold(cols, 5, 2).Shape);
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Unfold(Tensor.Zeros(1, 1, 4, 4), 5));
        Assert.Contains("unfold: spatial size 4x4 with kernel_size (5, 5), dilation (1, 1), padding (0, 0) and stride (1, 1) gives 0x0 sliding blocks", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Fold(Tensor.Zeros(1, 10, 9), 5, 3));
        Assert.Contains("fold: input [1, 10, 9] dimension 1 (10) is not divisible by the kernel size product 3 * 3 = 9", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Fold(Tensor.Zeros(1, 9, 8), 5, 3));
        Assert.Contains("fold: input [1, 9, 8] has 8 blocks in dimension 2, but output size (5, 5)", e.Message);
        Assert.Contains("gives 3 * 3 = 9 sliding blocks", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Unfold(Tensor.Zeros(1, 1, 4, 4), 2, dilation: 0));
        Assert.Contains("unfold: dilation must be positive, got (0, 0)", r.Message);
    }
}
