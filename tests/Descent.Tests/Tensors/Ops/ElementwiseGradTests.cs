using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Finite-difference gradient checks (float64) of every differentiable elementwise op, and PyTorch's conventions at kinks.</summary>
public class ElementwiseGradTests
{
    private static Tensor Leaf(Shape shape, double lo, double hi, int seed) =>
        Tensor.Uniform(shape, lo, hi, DType.Float64, new Generator(seed)).RequiresGradInPlace();

    private static Tensor Leaf(params double[] v) => Tensor.FromArray(v, v.Length).RequiresGradInPlace();

    private static void Check(Func<Tensor, Tensor> f, double lo, double hi, int seed = 1) =>
        GradCheck.Assert(x => f(x[0]), [Leaf(new Shape(3, 4), lo, hi, seed)]);

    [Fact] public void Exp() => Check(Tensor.Exp, -3, 3);
    [Fact] public void Log() => Check(Tensor.Log, 0.1, 5);
    [Fact] public void Log1p() => Check(Tensor.Log1p, -0.9, 5);
    [Fact] public void Expm1() => Check(Tensor.Expm1, -3, 3);
    [Fact] public void Sqrt() => Check(Tensor.Sqrt, 0.1, 5);
    [Fact] public void Rsqrt() => Check(Tensor.Rsqrt, 0.2, 5);
    [Fact] public void Square() => Check(Tensor.Square, -3, 3);
    [Fact] public void Reciprocal() => Check(Tensor.Reciprocal, 0.3, 3);
    [Fact] public void Sin() => Check(Tensor.Sin, -4, 4);
    [Fact] public void Cos() => Check(Tensor.Cos, -4, 4);
    [Fact] public void Abs() => Check(Tensor.Abs, 0.1, 3, seed: 2);
    [Fact] public void AbsNegative() => Check(Tensor.Abs, -3, -0.1);
    [Fact] public void Sign() => Check(Tensor.Sign, -3, 3);
    [Fact] public void Tanh() => Check(Tensor.Tanh, -3, 3);
    [Fact] public void Sigmoid() => Check(Tensor.Sigmoid, -5, 5);
    [Fact] public void Erf() => Check(Tensor.Erf, -2.5, 2.5);
    [Fact] public void Softplus() => Check(x => Tensor.Softplus(x), -5, 5);
    [Fact] public void SoftplusBetaAndThreshold() => Check(x => Tensor.Softplus(x, beta: 2, threshold: 3), -3, 3);
    [Fact] public void PowScalarExponent() => Check(x => Tensor.Pow(x, 2.5), 0.2, 3);
    [Fact] public void PowNegativeIntegerExponentOfNegativeBase() => Check(x => Tensor.Pow(x, -3.0), -3, -0.5);
    [Fact] public void PowScalarBase() => Check(x => Tensor.Pow(1.7, x), -2, 2);
    [Fact] public void ClampScalarBounds() => Check(x => Tensor.Clamp(x, -1.0, 1.0), -2, 2);
    [Fact] public void ClampMinOnly() => Check(x => x.Clamp(min: 0.5), -2, 2);

    [Fact]
    public void PowTensorTensorWithBroadcasting() =>
        GradCheck.Assert(x => Tensor.Pow(x[0], x[1]), [Leaf(new Shape(2, 3), 0.3, 3, 1), Leaf(new Shape(3), -2, 2, 2)]);

    [Fact]
    public void MaximumAndMinimumWithBroadcasting()
    {
        GradCheck.Assert(x => Tensor.Maximum(x[0], x[1]), [Leaf(new Shape(2, 3), -1, 1, 3), Leaf(new Shape(2, 1), -1, 1, 4)]);
        GradCheck.Assert(x => Tensor.Minimum(x[0], x[1]), [Leaf(new Shape(4), -1, 1, 5), Leaf(new Shape(3, 1), -1, 1, 6)]);
    }

    [Fact]
    public void WhereWithBroadcastingCondition()
    {
        var cond = Tensor.FromArray([true, false, true], 3);
        GradCheck.Assert(x => Tensor.Where(cond, x[0], x[1]), [Leaf(new Shape(2, 3), -1, 1, 7), Leaf(new Shape(2, 1), -1, 1, 8)]);
    }

    [Fact]
    public void ClampTensorBoundsWithBroadcasting() =>
        GradCheck.Assert(x => Tensor.Clamp(x[0], x[1], x[2]),
            [Leaf(new Shape(3, 4), -3, 3, 9), Leaf(new Shape(4), -1.5, -0.5, 10), Leaf(new Shape(3, 1), 0.5, 1.5, 11)]);

    [Fact]
    public void KinkConventionsFollowPyTorch()
    {
        var x = Leaf(0.0, -0.0, 2.0);
        Tensor.Abs(x).Sum().Backward();
        Assert.Equal([0, 0, 1], x.Grad!.ToDoubleArray());

        var s = Leaf(0.0, 4.0);
        Tensor.Sqrt(s).Sum().Backward();
        Assert.Equal([double.PositiveInfinity, 0.25], s.Grad!.ToDoubleArray());

        // clamp passes the gradient at the bounds themselves (min ≤ x ≤ max inclusive).
        var c = Leaf(-1.0, 1.0, 1.5, -2.0);
        Tensor.Clamp(c, -1.0, 1.0).Sum().Backward();
        Assert.Equal([1, 1, 0, 0], c.Grad!.ToDoubleArray());

        // maximum/minimum split ties in half.
        var a = Leaf(1.0, 2.0, 3.0);
        var b = Leaf(1.0, 5.0, 0.0);
        Tensor.Maximum(a, b).Sum().Backward();
        Assert.Equal([0.5, 0, 1], a.Grad!.ToDoubleArray());
        Assert.Equal([0.5, 1, 0], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void PowExponentGradientIsZeroAtZeroBaseWithNonNegativeExponent()
    {
        var x = Leaf(0.0, 0.0, 2.0);
        var e = Leaf(2.0, -1.0, 3.0);
        Tensor.Pow(x, e).Sum().Backward();
        // d/de of 0^2 is 0 by PyTorch's convention; 0^−1 = ∞ and ∞·log 0 = −∞; 2^3·ln 2 elsewhere.
        Assert.Equal(0, e.Grad![0]);
        Assert.Equal(double.NegativeInfinity, e.Grad[1]);
        Assert.Equal(8 * Math.Log(2), e.Grad[2], 12);
        // The base gets 0 where the exponent is 0.
        var y = Leaf(0.0, 3.0);
        Tensor.Pow(y, Tensor.FromArray([0.0, 0.0], 2)).Sum().Backward();
        Assert.Equal([0, 0], y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void SigmoidAndSoftplusAreStableForLargeInputs()
    {
        var x = Tensor.FromArray([-1000.0, -50, 0, 50, 1000], 5);
        Assert.Equal([0, 0, 0.5, 1, 1], Tensor.Sigmoid(x).ToDoubleArray().Select(v => Math.Round(v, 12)));
        var sp = Tensor.Softplus(x).ToDoubleArray();
        Assert.Equal(0, sp[0]);
        Assert.Equal(Math.Exp(-50), sp[1], 1e-30);
        Assert.Equal(Math.Log(2), sp[2], 15);
        Assert.Equal(50, sp[3]);   // above the threshold softplus returns x itself
        Assert.Equal(1000, sp[4]);
        Assert.All(Tensor.Softplus(x.To(DType.Float32)).ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Float32AndFloat64AgreeOnEveryUnaryOp()
    {
        var x64 = Tensor.Uniform(new Shape(257), 0.1, 3, DType.Float64, new Generator(3));
        var x32 = x64.To(DType.Float32);
        Func<Tensor, Tensor>[] ops = [Tensor.Exp, Tensor.Log, Tensor.Log1p, Tensor.Expm1, Tensor.Sqrt, Tensor.Rsqrt, Tensor.Square,
            Tensor.Reciprocal, Tensor.Sin, Tensor.Cos, Tensor.Abs, Tensor.Sign, Tensor.Tanh, Tensor.Sigmoid, Tensor.Erf,
            t => Tensor.Softplus(t), t => Tensor.Pow(t, 1.5), t => Tensor.Clamp(t, 0.5, 2.0)];
        foreach (var op in ops)
        {
            var a = op(x64).ToDoubleArray();
            var b = op(x32);
            Assert.Equal(DType.Float32, b.DType);
            var bd = b.ToDoubleArray();
            for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], bd[i], Math.Max(1e-5, Math.Abs(a[i]) * 1e-6));
        }
    }
}
