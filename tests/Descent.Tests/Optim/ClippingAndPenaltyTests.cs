using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Optim;

/// <summary>Gradient clipping edge cases and the differentiable L1/L2 penalties (gradient-checked).</summary>
public class ClippingAndPenaltyTests
{
    private static Tensor WithGrad(params double[] grad)
    {
        var p = Tensor.Zeros(new Shape(grad.Length), DType.Float64).RequiresGradInPlace();
        p.Grad = Tensor.FromArray(grad, grad.Length);
        return p;
    }

    [Fact]
    public void ClipGradNormScalesAllGradientsTogether()
    {
        var a = WithGrad(3, 0);
        var b = WithGrad(0, 4);
        var none = Tensor.Zeros(2).RequiresGradInPlace();
        double total = Clipping.ClipGradNorm([a, none, b], maxNorm: 1);
        Assert.Equal(5, total, 12);
        double coef = 1 / (5 + 1e-6);
        Assert.Equal([3 * coef, 0], a.Grad!.ToDoubleArray());
        Assert.Equal([0, 4 * coef], b.Grad!.ToDoubleArray());
        Assert.Null(none.Grad);
        Assert.Equal(4, Clipping.ClipGradNorm([WithGrad(-4, 2)], 10, double.PositiveInfinity), 12);
        Assert.Equal(0, Clipping.ClipGradNorm([Tensor.Zeros(1).RequiresGradInPlace()], 1));
    }

    [Fact]
    public void NonFiniteNormsThrowOnlyWhenAsked()
    {
        var p = WithGrad(1, double.NaN);
        Assert.Contains("non-finite", Assert.Throws<InvalidOperationException>(() => Clipping.ClipGradNorm([p], 1, 2, errorIfNonFinite: true)).Message);
        Assert.Equal(1.0, p.Grad![0]);   // untouched
        Assert.True(double.IsNaN(Clipping.ClipGradNorm([p], 1)));
        var inf = WithGrad(1, double.PositiveInfinity);
        Assert.Equal(double.PositiveInfinity, Clipping.ClipGradNorm([inf], 1, double.PositiveInfinity));
        Assert.Equal(0.0, inf.Grad![0]);     // 1 · (1/∞) as in PyTorch
    }

    [Fact]
    public void ClipArgumentsAreValidated()
    {
        Assert.Contains("norm_type", Assert.Throws<ArgumentOutOfRangeException>(() => Clipping.ClipGradNorm([WithGrad(1)], 1, 0)).Message);
        Assert.Contains("max_norm", Assert.Throws<ArgumentOutOfRangeException>(() => Clipping.ClipGradNorm([WithGrad(1)], -1)).Message);
        Assert.Contains("clip_value", Assert.Throws<ArgumentOutOfRangeException>(() => Clipping.ClipGradValue([WithGrad(1)], -1)).Message);
    }

    [Fact]
    public void PenaltiesAreDifferentiable()
    {
        var w = Tensor.FromArray([0.5, -1.5, 2.0, -0.25, 0.75, 1.25], 2, 3).RequiresGradInPlace();
        var v = Tensor.FromArray([0.3, -0.7], 2).RequiresGradInPlace();
        GradCheck.Assert(x => Penalties.L1(x, 0.3), [w, v]);
        GradCheck.Assert(x => Penalties.L2(x, 0.7), [w, v]);
        GradCheck.Assert(x => Penalties.Penalty(PenaltyKind.L2Half, x, 0.7), [w, v]);
        GradCheck.Assert(x => Penalties.Of([new PenaltyGroup([x[0]], L1: 0.1, L2: 0.2), new PenaltyGroup([x[1]], L2: 0.5)]), [w, v]);
    }

    [Fact]
    public void PenaltyValuesAndTheSubgradientAtZero()
    {
        var w = Tensor.FromArray([0.0, -2.0, 3.0], 3).RequiresGradInPlace();
        var l1 = Penalties.L1([w], 0.5);
        Assert.Equal(2.5, l1.Item());
        l1.Backward();
        Assert.Equal([0.0, -0.5, 0.5], w.Grad!.ToDoubleArray());
        w.Grad = null;
        var elastic = Penalties.Of([new PenaltyGroup([w], L1: 1, L2: 0.1)]);
        Assert.Equal(5 + 1.3, elastic.Item(), 12);
        Assert.Throws<ArgumentException>(() => Penalties.Of([new PenaltyGroup([w])]));
        Assert.Throws<ArgumentException>(() => Penalties.L2([], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Penalties.L2([w], -1));
    }

    [Fact]
    public void HalfL2PenaltyOnSgdEqualsCoupledWeightDecay()
    {
        // θ ← θ − lr·(g + λθ) either way (docs/optimizers.md).
        var a = Tensor.FromArray([1.0, -2.0], 2).RequiresGradInPlace();
        var b = Tensor.FromArray([1.0, -2.0], 2).RequiresGradInPlace();
        var withPenalty = new Sgd([a], new SgdOptions(0.1));
        var withDecay = new Sgd([b], new SgdOptions(0.1, weightDecay: 0.3));
        for (int i = 0; i < 3; i++)
        {
            withPenalty.ZeroGrad();
            ((a * a).Sum() + Penalties.Penalty(PenaltyKind.L2Half, [a], 0.3)).Backward();
            withPenalty.Step();
            withDecay.ZeroGrad();
            (b * b).Sum().Backward();
            withDecay.Step();
        }
        Assert.Equal(b[0], a[0], 14);
        Assert.Equal(b[1], a[1], 14);
    }
}
