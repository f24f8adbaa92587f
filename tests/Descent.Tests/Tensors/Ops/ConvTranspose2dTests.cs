using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class ConvTranspose2dTests
{
    // n, ci, h, w, co/groups, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, groups, bias (1/0)
    public static TheoryData<int[]> Configs => new()
    {
        new[] { 2, 2, 3, 4, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1 },
        new[] { 1, 4, 3, 3, 1, 2, 2, 1, 1, 0, 0, 0, 0, 2, 2, 2, 0 },
        new[] { 2, 3, 4, 5, 2, 3, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1 },
        new[] { 1, 2, 5, 3, 2, 4, 3, 3, 2, 1, 2, 2, 1, 1, 1, 1, 1 },
        new[] { 2, 4, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2, 1 },
        new[] { 1, 6, 2, 3, 1, 3, 3, 2, 1, 1, 0, 0, 0, 1, 2, 3, 0 },
        new[] { 3, 1, 4, 4, 2, 2, 2, 2, 2, 0, 0, 1, 0, 1, 1, 1, 1 },
        new[] { 1, 2, 3, 3, 2, 3, 3, 1, 1, 2, 1, 1, 1, 2, 2, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void ForwardMatchesTheScatterDefinition(int[] cfg)
    {
        var (n, ci, h, w, cog, kh, kw) = (cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5], cfg[6]);
        var (s, p, op, d) = ((cfg[7], cfg[8]), (cfg[9], cfg[10]), (cfg[11], cfg[12]), (cfg[13], cfg[14]));
        int groups = cfg[15];
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = NNTestData.Random(dtype, 1, n, ci, h, w);
            var wt = NNTestData.Random(dtype, 2, ci, cog, kh, kw);
            var b = cfg[16] == 1 ? NNTestData.Random(dtype, 3, cog * groups) : null;
            var y = Tensor.ConvTranspose2d(x, wt, b, s, p, op, groups, d);
            var expected = NNReference.ConvTranspose2d(x.ToDoubleArray(), n, ci, h, w, wt.ToDoubleArray(), cog, kh, kw, b?.ToDoubleArray(),
                s, p, op, d, groups, out int oh, out int ow);
            Assert.Equal(new Shape(n, cog * groups, oh, ow), y.Shape);
            var (atol, rtol) = NNTestData.Tolerance(dtype);
            NNTestData.Close(expected, y.ToDoubleArray(), atol, rtol, dtype.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GradCheckFloat64(int[] cfg)
    {
        var (n, ci, h, w, cog, kh, kw) = (cfg[0], cfg[1], cfg[2], cfg[3], cfg[4], cfg[5], cfg[6]);
        Size2 s = (cfg[7], cfg[8]), p = (cfg[9], cfg[10]), op = (cfg[11], cfg[12]), d = (cfg[13], cfg[14]);
        int groups = cfg[15];
        var x = NNTestData.Leaf(5, n, ci, h, w);
        var wt = NNTestData.Leaf(6, ci, cog, kh, kw);
        var b = NNTestData.Leaf(7, cog * groups);
        GradCheck.Assert(t => Tensor.ConvTranspose2d(t[0], t[1], t[2], s, p, op, groups, d), [x, wt, b]);
    }

    [Fact]
    public void IsTheAdjointOfConv2d()
    {
        // <conv2d(x, W), y> = <x, conv_transpose2d(y, W)> for matching arguments.
        var x = NNTestData.Random(DType.Float64, 8, 2, 4, 9, 8);
        var wt = NNTestData.Random(DType.Float64, 9, 6, 2, 3, 3);
        var conv = Tensor.Conv2d(x, wt, null, 2, 1, 1, 2);
        var y = NNTestData.Random(DType.Float64, 10, conv.Shape.ToArray());
        var back = Tensor.ConvTranspose2d(y, wt, null, 2, 1, outputPadding: (0, 1), groups: 2);
        Assert.Equal(x.Shape, back.Shape);
        double lhs = (conv * y).Sum().Item(), rhs = (x * back).Sum().Item();
        Assert.Equal(lhs, rhs, 1e-10);
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(2, 3, 3, 3)));
        Assert.Contains("conv_transpose2d: input [1, 3, 4, 4] has 3 channels but weight [2, 3, 3, 3] expects 2 (groups 1)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(Tensor.Zeros(1, 2, 4, 4), Tensor.Zeros(2, 3, 3, 3), stride: 2, outputPadding: 2));
        Assert.Contains("conv_transpose2d: output_padding (2, 2) must be smaller than either stride (2, 2) or dilation (1, 1)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(Tensor.Zeros(1, 2, 4, 4), Tensor.Zeros(2, 3, 3, 3), Tensor.Zeros(2)));
        Assert.Contains("conv_transpose2d: bias [2] must have shape [3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(Tensor.Zeros(1, 2, 1, 1), Tensor.Zeros(2, 3, 1, 1), padding: 1));
        Assert.Contains("gives output size -1x-1, which is not positive", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.ConvTranspose2d(Tensor.Zeros(1, 3, 4, 4), Tensor.Zeros(3, 3, 3, 3), groups: 2));
        Assert.Contains("conv_transpose2d: weight [3, 3, 3, 3] has 3 input channels, which is not divisible by groups 2", e.Message);
    }
}
