using Descent.Examples.CustomOptimizer;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Extensions.Tests.Tensors.Autograd;

/// <summary>
/// A custom autograd function written outside the library (the example's <see cref="Squareplus"/>, on
/// <see cref="Function"/>): float64 gradient check, values, and clear errors for backwards that return the wrong
/// number or shape of gradients.
/// </summary>
public class CustomFunctionTests
{
    private static Tensor Grid(double from, double to, int n, params int[] shape) =>
        Tensor.Linspace(from, to, n, DType.Float64).Reshape(shape).RequiresGradInPlace();

    [Fact]
    public void SquareplusPassesTheFloat64GradientCheck()
    {
        var x = Grid(-4, 4, 20, 4, 5);
        GradCheck.Assert(xs => new Squareplus().Apply(xs[0]), [x]);
        var w = Grid(-1, 1, 5, 5);
        GradCheck.Assert(xs => new Squareplus(b: 0.25).Apply(xs[0] * xs[1]).Sum(1), [x, w]);
    }

    [Fact]
    public void SquareplusComputesBarronsFormulaAndItsDerivative()
    {
        var x = Grid(-3, 3, 7, 7);
        var y = new Squareplus(b: 4).Apply(x);
        Assert.Equal("SquareplusBackward", y.GradFn!.Name);
        y.Sum().Backward();
        var xs = x.ToDoubleArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double root = Math.Sqrt(xs[i] * xs[i] + 4);
            Assert.Equal((xs[i] + root) / 2, y.GetDouble(i), 12);
            Assert.Equal((1 + xs[i] / root) / 2, x.Grad!.GetDouble(i), 12);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new Squareplus(b: 0));
    }

    [Fact]
    public void AGradientCheckCatchesAWrongBackward()
    {
        var x = Grid(-2, 2, 6, 6);
        var report = GradCheck.Run(xs => new HalfDerivative().Apply(xs[0]), [x]);
        Assert.NotNull(report);
        Assert.Contains("GradCheck: input 0 [6], element 0: analytic", report);
        Assert.Throws<GradCheckException>(() => GradCheck.Assert(xs => new HalfDerivative().Apply(xs[0]), [x]));
    }

    [Fact]
    public void WrongGradientCountOrShapeIsAClearError()
    {
        var a = Grid(-1, 1, 6, 2, 3);
        var b = Grid(0, 1, 3, 3);
        var count = Assert.Throws<InvalidOperationException>(() => new OneGradientForTwoInputs().Apply(a, b).Sum().Backward());
        Assert.Equal("OneGradientForTwoInputsBackward: Backward returned 1 gradient(s) for 2 input(s); return one per input of Apply, null where there is none.", count.Message);

        var shape = Assert.Throws<InvalidOperationException>(() => new TransposedGradient().Apply(a).Sum().Backward());
        Assert.Equal("TransposedGradientBackward: the gradient of input 0 has shape [3, 2], but the input has shape [2, 3]; a gradient must have the input's shape or one the input broadcasts to.", shape.Message);
    }

    /// <summary>x² with a backward that forgets the factor 2.</summary>
    private sealed class HalfDerivative : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs)
        {
            ctx.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0];
        }

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput * ctx.SavedTensors[0]!];
    }

    private sealed class OneGradientForTwoInputs : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] + inputs[1];

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [gradOutput];
    }

    private sealed class TransposedGradient : Function
    {
        protected override Tensor Forward(FunctionContext ctx, Tensor[] inputs) => inputs[0] * 2.0;

        protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput) => [Tensor.Transpose(gradOutput, 0, 1) * 2.0];
    }
}
