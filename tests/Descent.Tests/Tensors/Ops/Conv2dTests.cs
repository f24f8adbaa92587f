using Descent.Kernels;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class Conv2dTests
{
    // n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, bias (1/0)
    public static TheoryData<int[]> Configs => new()
    {
        new[] { 2, 3, 7, 9, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1, 1 },
        new[] { 1, 2, 6, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1 },
        new[] { 2, 4, 5, 6, 6, 2, 3, 1, 2, 1, 0, 1, 1, 2, 0 },
        new[] { 1, 3, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 3, 1 },
        new[] { 2, 2, 9, 8, 2, 3, 2, 2, 1, 2, 1, 2, 3, 1, 1 },
        new[] { 3, 4, 5, 6, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1 },
        new[] { 2, 6, 4, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, 0 },
        new[] { 1, 2, 5, 5, 3, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1 },
        new[] { 2, 3, 11, 4, 5, 4, 2, 3, 1, 2, 1, 1, 2, 1, 1 },
        new[] { 1, 1, 3, 3, 2, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1 },
        new[] { 9, 1, 3, 4, 2, 3, 3, 1, 1, 0, 1, 1, 1, 1, 1 },
        new[] { 1, 4, 6, 6, 4, 3, 3, 1, 1, 2, 2, 2, 2, 4, 0 },
    };

    [Theory]
    [InlineData(2, 2, 5, 5, 3, 3, 3, 1, 0, 1, 1)]
    [InlineData(1, 2, 6, 5, 2, 3, 2, 2, 1, 1, 1)]
    [InlineData(2, 4, 4, 5, 4, 2, 2, 1, 1, 2, 2)]
    [InlineData(1, 3, 4, 4, 3, 3, 3, 1, 1, 1, 3)]
    [InlineData(2, 4, 3, 3, 6, 1, 1, 1, 0, 1, 2)]
    [InlineData(9, 1, 3, 3, 2, 2, 2, 1, 1, 1, 1)]
    public void GradCheckFloat64(int n, int c, int h, int w, int o, int kh, int kw, int s, int p, int d, int groups)
    {
        var x = NNTestData.Leaf(10, n, c, h, w);
        var wt = NNTestData.Leaf(11, o, c / groups, kh, kw);
        var b = NNTestData.Leaf(12, o);
        GradCheck.Assert(t => Tensor.Conv2d(t[0], t[1], t[2], s, p, d, groups), [x, wt, b]);
        GradCheck.Assert(t => Tensor.Conv2d(t[0], t[1], null, s, p, d, groups), [x, wt]);
    }

    [Fact]
    public void LargeBatchUsesTheParallelPathAndMatchesTheReference()
    {
        // Big enough for the parallel threshold: 16 images, 3→8 channels, 16×16, batch > weight-gradient chunks.
        int n = 16, c = 3, h = 16, w = 16, o = 8;
        var x = NNTestData.Random(DType.Float32, 20, n, c, h, w).RequiresGradInPlace();
        var wt = NNTestData.Random(DType.Float32, 21, o, c, 3, 3).RequiresGradInPlace();
        var b = NNTestData.Random(DType.Float32, 22, o).RequiresGradInPlace();
        var y = Tensor.Conv2d(x, wt, b, 1, 1);
        var expected = NNReference.Conv2d(x.ToDoubleArray(), n, c, h, w, wt.ToDoubleArray(), o, 3, 3, b.ToDoubleArray(),
            (1, 1), (1, 1), (1, 1), 1, out int oh, out int ow);
        NNTestData.Close(expected, y.ToDoubleArray(), 1e-4, 1e-4, "forward");
        var g = NNTestData.Random(DType.Float32, 23, n, o, oh, ow);
        y.Backward(g);
        var (dx, dw, db) = NNReferenceGrad.Conv2d(x.ToDoubleArray(), n, c, h, w, wt.ToDoubleArray(), o, 3, 3, g.ToDoubleArray(),
            (1, 1), (1, 1), (1, 1), 1, oh, ow);
        NNTestData.Close(dx, x.Grad!.ToDoubleArray(), 1e-4, 1e-4, "dx");
        NNTestData.Close(dw, wt.Grad!.ToDoubleArray(), 1e-3, 1e-4, "dw");
        NNTestData.Close(db, b.Grad!.ToDoubleArray(), 1e-3, 1e-4, "db");
    }

    [Fact]
    public void WeightGradientDoesNotDependOnTheThreadCount()
    {
        var x = NNTestData.Random(DType.Float32, 30, 32, 2, 12, 12);
        var wt = NNTestData.Random(DType.Float32, 31, 4, 2, 3, 3).RequiresGradInPlace();
        var g = NNTestData.Random(DType.Float32, 32, 32, 4, 10, 10);
        using (ParallelFor.OverrideThreads(2))
            Tensor.Conv2d(x, wt).Backward(g);
        var parallel = wt.Grad!.ToArray<float>();
        wt.Grad = null;
        using (ParallelFor.OverrideThreads(1))
            Tensor.Conv2d(x, wt).Backward(g);
        Assert.Equal(parallel, wt.Grad!.ToArray<float>());
    }

    [Fact]
    public void UnbatchedInputGivesTheSqueezedBatchedResult()
    {
        var x = NNTestData.Random(DType.Float64, 40, 3, 6, 5);
        var wt = NNTestData.Random(DType.Float64, 41, 2, 3, 3, 3);
        var y = Tensor.Conv2d(x, wt, null, 1, 1);
        Assert.Equal(new Shape(2, 6, 5), y.Shape);
        Assert.Equal(Tensor.Conv2d(x.Unsqueeze(0), wt, null, 1, 1).ToDoubleArray(), y.ToDoubleArray());
    }

    [Fact]
    public void EmptyBatchGivesAnEmptyOutputAndGradients()
    {
        var x = Tensor.Zeros(new Shape(0, 2, 5, 5), DType.Float64).RequiresGradInPlace();
        var wt = NNTestData.Leaf(42, 3, 2, 3, 3);
        var y = Tensor.Conv2d(x, wt);
        Assert.Equal(new Shape(0, 3, 3, 3), y.Shape);
        y.Sum().Backward();
        Assert.Equal(new double[18 * 3], wt.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ErrorsNameTheOpAndTheShapes()
    {
        var x = Tensor.Zeros(8, 3, 32, 32);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 4, 5, 5)));
        Assert.Equal("conv2d: input [8, 3, 32, 32] has 3 channels but weight [16, 4, 5, 5] expects 4 (groups 1)", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(5, 2, 3, 3), groups: 2));
        Assert.Contains("conv2d: weight [5, 2, 3, 3] has 5 output channels, which is not divisible by groups 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5, 5), Tensor.Zeros(15)));
        Assert.Contains("conv2d: bias [15] must have shape [16] to match weight [16, 3, 5, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(1, 1, 4, 4), Tensor.Zeros(1, 1, 5, 5)));
        Assert.Contains("conv2d: padded input 4x4 of input [1, 1, 4, 4] is smaller than the dilated kernel 5x5 of weight [1, 1, 5, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(3, 32, 32, 1, 1), Tensor.Zeros(1, 3, 3, 3)));
        Assert.Contains("conv2d: expected a 3-D (unbatched) or 4-D (batched) input, got [3, 32, 32, 1, 1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5)));
        Assert.Contains("conv2d: weight must be 4-D", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(new Shape(16, 3, 5, 5), DType.Float64)));
        Assert.Contains("conv2d: input is float32 but weight [16, 3, 5, 5] is float64", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5, 5), stride: (0, 1)));
        Assert.Contains("conv2d: stride must be positive, got (0, 1)", r.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5, 5), padding: -1));
        Assert.Contains("conv2d: padding must be non-negative, got (-1, -1)", r.Message);
        r = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(16, 3, 5, 5), groups: 0));
        Assert.Contains("conv2d: groups must be positive, got 0", r.Message);
    }
}
