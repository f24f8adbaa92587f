using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Autograd;

public class AutogradEngineTests
{
    private static Tensor Leaf(params double[] values) =>
        Tensor.FromArray(values, values.Length).RequiresGradInPlace();

    [Fact]
    public void ProductRuleAndReuse()
    {
        var x = Leaf(2, 3);
        var y = (x * x + x * 3).Sum();   // dy/dx = 2x + 3
        y.Backward();
        Assert.Equal([7, 9], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Leaf(1, 2);
        (x * 2).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal([5, 5], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ExplicitUpstreamGradient()
    {
        var x = Leaf(1, 2, 3);
        var y = x * 2;
        y.Backward(Tensor.FromArray([1.0, 10, 100], 3));
        Assert.Equal([2, 20, 200], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ImplicitGradientOnlyForScalars()
    {
        var x = Leaf(1, 2);
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2).Backward());
        Assert.Contains("one-element outputs", e.Message);
    }

    [Fact]
    public void BroadcastGradientsAreSummedBackToInputShapes()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).RequiresGradInPlace();
        var bias = Leaf(1, 1, 1);
        var col = Tensor.FromArray([2.0, 3], 2, 1).RequiresGradInPlace();
        ((a + bias) * col).Sum().Backward();
        Assert.Equal([5, 5, 5], bias.Grad!.ToDoubleArray());
        Assert.Equal(new Shape(2, 1), col.Grad!.Shape);
        Assert.Equal([9, 18], col.Grad.ToDoubleArray());
        Assert.Equal([2, 2, 2, 3, 3, 3], a.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SecondBackwardThroughFreedGraphThrowsUnlessRetained()
    {
        var x = Leaf(1, 2);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal([4, 8], x.Grad!.ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("backward through the graph a second time", e.Message);
    }

    [Fact]
    public void DetachAndNoGradStopRecording()
    {
        var x = Leaf(1, 2);
        Assert.False(x.Detach().RequiresGrad);
        using (GradMode.Disable())
        {
            var y = x * 2;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void LongChainDoesNotOverflowTheStack()
    {
        var x = Leaf(1);
        var y = x;
        for (int i = 0; i < 10_000; i++) y = y * 1.0001 + 0.0;
        y.Sum().Backward();
        Assert.Equal(Math.Pow(1.0001, 10_000), x.Grad!.Item(), 9);
    }

    [Fact]
    public void RetainGradKeepsIntermediateGradients()
    {
        var x = Leaf(1, 2);
        var h = (x * 3).RetainGrad();
        (h * h).Sum().Backward();
        Assert.Equal([6, 12], h.Grad!.ToDoubleArray());
        Assert.Equal([18, 36], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void RequiresGradOnlySettableOnLeaves()
    {
        var x = Leaf(1);
        var y = x * 2;
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Throws<InvalidOperationException>(() => Tensor.FromArray(new long[] { 1 }, 1).RequiresGrad = true);
    }

    [Fact]
    public void GradCheckCatchesAWrongGradient()
    {
        var x = Leaf(0.5, -1.5);
        // Detach hides the second factor from autograd, so the analytic gradient is wrong on purpose.
        var report = GradCheck.Run(t => t[0] * t[0].Detach(), [x]);
        Assert.NotNull(report);
        Assert.Contains("input 0", report);
    }

    public static TheoryData<string> BasicOps => new() { "add", "sub", "mul", "div", "scalar-div", "sum-dims", "narrow", "expand", "reshape" };

    [Theory]
    [MemberData(nameof(BasicOps))]
    public void GradCheckBasicOps(string op)
    {
        var g = new Generator(1);
        Tensor R(params int[] shape)
        {
            var t = Tensor.Zeros(new Shape(shape), DType.Float64);
            var s = t.Span<double>();
            for (int i = 0; i < s.Length; i++) s[i] = g.NextDouble() + 0.5;
            return t.RequiresGradInPlace();
        }
        var a = R(2, 3);
        var b = R(3);
        var c = R(2, 1);
        Func<Tensor[], Tensor> f = op switch
        {
            "add" => t => t[0] + t[1] + t[2],
            "sub" => t => t[0] - t[1] - t[2],
            "mul" => t => t[0] * t[1] * t[2],
            "div" => t => t[0] / t[1] / t[2],
            "scalar-div" => t => 2.0 / t[0] + t[1] * 0,
            "sum-dims" => t => t[0].Sum(0) * t[1] + t[2].Sum([0, 1], keepDim: true),
            "narrow" => t => t[0].Narrow(1, 1, 2).Sum(1) + t[0].Narrow(0, 1, 1).Sum(),
            "expand" => t => t[2].Expand(new Shape(2, 3)) * t[1],
            "reshape" => t => t[0].Reshape(3, 2).Flatten().Unsqueeze(0).Squeeze(),
            _ => throw new ArgumentException(op),
        };
        GradCheck.Assert(f, [a, b, c]);
    }
}
