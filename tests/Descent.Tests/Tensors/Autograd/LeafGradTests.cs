using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Autograd;

/// <summary>Parameter gradients written in place by backward (GEMM beta 0/1) and the deferred zeroing of ZeroGrad.</summary>
public class LeafGradTests
{
    // x [3, 2]; Σ linear(x, W, b) has dW[o, i] = Σ_n x[n, i] and db[o] = 3 for every o.
    private static readonly double[] X = [1, 2, 3, 4, 5, 6];
    private static readonly double[] ExpectedDw = [9, 12, 9, 12];   // W is [2, 2]: column sums 1+3+5, 2+4+6
    private static readonly double[] ExpectedDb = [3, 3];

    private static (Tensor W, Tensor B, Adam Opt) Parameters()
    {
        var w = Tensor.FromArray(new double[] { 0.5, -1, 2, 0.25 }, 2, 2).RequiresGradInPlace();
        var b = Tensor.FromArray(new double[] { 0.1, -0.2 }, 2).RequiresGradInPlace();
        return (w, b, new Adam([w, b]));
    }

    private static void Step(Tensor w, Tensor b) => Tensor.Linear(Tensor.FromArray(X, 3, 2), w, b).Sum().Backward();

    [Fact]
    public void BackwardAccumulatesAndZeroGradReadsAsZeros()
    {
        var (w, b, opt) = Parameters();
        Step(w, b);
        Assert.Equal(ExpectedDw, w.Grad!.ToDoubleArray());
        Assert.Equal(ExpectedDb, b.Grad!.ToDoubleArray());
        Step(w, b);   // accumulates: GEMM with beta 1 into the existing gradient
        Assert.Equal(ExpectedDw.Select(v => 2 * v), w.Grad!.ToDoubleArray());
        Assert.Equal(ExpectedDb.Select(v => 2 * v), b.Grad!.ToDoubleArray());

        opt.ZeroGrad();
        Assert.All(w.Grad!.ToDoubleArray(), v => Assert.Equal(0, v));   // reading materializes the zeros
        opt.ZeroGrad();
        Step(w, b);   // the deferred zeros are overwritten, not added to
        Assert.Equal(ExpectedDw, w.Grad!.ToDoubleArray());
        Assert.Equal(ExpectedDb, b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void AWeightUsedTwiceSumsBothContributions()
    {
        // y = linear(linear(x, W), W): the second contribution to W's gradient adds to the first (GEMM beta 1).
        var x = Tensor.FromArray(new double[] { 0.3, -0.7, 1.1, 0.2, 0.5, -0.4 }, 3, 2);
        var w = Tensor.FromArray(new double[] { 0.5, -1, 2, 0.25 }, 2, 2).RequiresGradInPlace();
        GradCheck.Assert(t => Tensor.Linear(Tensor.Linear(x, t[0]), t[0]), [w]);
        var (w2, b2, opt) = Parameters();
        opt.ZeroGrad();
        GradCheck.Assert(t => Tensor.Linear(Tensor.Linear(x, t[0], t[1]), t[0], t[1]), [w2, b2]);
    }
}
