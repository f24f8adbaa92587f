using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Comparisons, logical ops, where, maximum/minimum, clamp and pow values, dtypes and error messages.</summary>
public class ComparisonWhereTests
{
    private static readonly Tensor A = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } });

    private static bool[] Mask(Tensor t)
    {
        Assert.Equal(DType.Bool, t.DType);
        return t.ToArray<bool>();
    }

    [Fact]
    public void ComparisonsBroadcastAndTreatNaNAsUnordered()
    {
        var row = Tensor.FromArray([1.0, 5, 3], 3);
        Assert.Equal([true, false, true, false, false, false], Mask(Tensor.Eq(A, row)));
        Assert.Equal([false, true, false, true, true, true], Mask(Tensor.Ne(A, row)));
        Assert.Equal([false, true, false, false, false, false], Mask(A.Lt(row)));
        Assert.Equal([true, true, true, false, false, false], Mask(A.Le(row)));
        Assert.Equal([false, false, false, true, false, true], Mask(A.Gt(row)));
        Assert.Equal([true, false, true, true, false, true], Mask(A.Ge(row)));
        Assert.Equal([false, false, true, true, false, true], Mask(A.Gt(2.5)));
        Assert.Equal([false, false, false, false, true, false], Mask(A.IsNaN()));
        Assert.Equal(new Shape(2, 3), Tensor.Lt(Tensor.FromArray([1.0, 2], 2, 1), row).Shape);
    }

    [Fact]
    public void ComparisonsWorkOnInt64AndMixedDTypes()
    {
        var idx = Tensor.FromArray(new long[] { 0, 2, 5 }, 3);
        Assert.Equal([false, true, false], Mask(idx.Eq(Tensor.FromArray(new long[] { 1, 2, 3 }, 3))));
        Assert.Equal([false, false, true], Mask(idx.Gt(2.5)));
        Assert.Equal([true, true, false], Mask(Tensor.Le(idx, Tensor.FromArray([0.5f, 2f, 4f], 3))));
    }

    [Fact]
    public void LogicalOps()
    {
        var p = Tensor.FromArray([true, true, false, false], 4);
        var q = Tensor.FromArray([true, false, true, false], 4);
        Assert.Equal([true, false, false, false], Mask(Tensor.LogicalAnd(p, q)));
        Assert.Equal([true, true, true, false], Mask(Tensor.LogicalOr(p, q)));
        Assert.Equal([false, true, true, false], Mask(Tensor.LogicalXor(p, q)));
        Assert.Equal([false, false, true, true], Mask(Tensor.LogicalNot(p)));
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.LogicalAnd(A, p));
        Assert.Contains("logical_and: expected a bool tensor, got float64 [2, 3]", e.Message);
    }

    [Fact]
    public void WhereSelectsAndBroadcasts()
    {
        var cond = Tensor.FromArray([true, false, true], 3);
        var w = Tensor.Where(cond, A, -1.0);
        Assert.Equal([1, -1, 3, 4, -1, 6], w.ToDoubleArray());
        var ints = Tensor.Where(Tensor.FromArray([true, false], 2), Tensor.FromArray(new long[] { 7, 7 }, 2), Tensor.FromArray(new long[] { 9, 9 }, 2));
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal([7, 9], ints.ToDoubleArray());
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Where(A, A, A));
        Assert.Contains("where: condition must be a bool tensor, got float64 [2, 3]", e.Message);
        var b = Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.FromArray([true, false], 2), A, A));
        Assert.Contains("where: condition [2], a [2, 3] and b [2, 3] cannot be broadcast together", b.Message);
    }

    [Fact]
    public void MaximumMinimumPropagateNaN()
    {
        var x = Tensor.FromArray([1.0, double.NaN, 3], 3);
        var y = Tensor.FromArray([2.0, 0, double.NaN], 3);
        var max = Tensor.Maximum(x, y).ToDoubleArray();
        Assert.Equal(2, max[0]);
        Assert.True(double.IsNaN(max[1]) && double.IsNaN(max[2]));
        Assert.Equal(1, Tensor.Minimum(x, y)[0]);
        var e = Assert.Throws<ArgumentException>(() => Tensor.Maximum(A, Tensor.Zeros(2)));
        Assert.Equal("maximum: [2, 3] and [2]: shapes cannot be broadcast (dim -1: 3 vs 2).", e.Message);
    }

    [Fact]
    public void ClampValues()
    {
        var x = Tensor.FromArray([-2.0, 0.5, 2, double.NaN], 4);
        var c = Tensor.Clamp(x, -1.0, 1.0).ToDoubleArray();
        Assert.Equal([-1, 0.5, 1], c[..3]);
        Assert.True(double.IsNaN(c[3]));
        Assert.Equal([-1, 0.5, 2], x.Clamp(min: -1).ToDoubleArray()[..3]);
        // min > max: every element becomes max (PyTorch's order of application).
        Assert.Equal([0, 0, 0], Tensor.Clamp(x, 1.0, 0.0).ToDoubleArray()[..3]);
        var t = Tensor.Clamp(Tensor.FromArray([-2.0, 0.5, 2], 3), Tensor.FromArray([0.0, 0, 0], 3), Tensor.FromArray([1.0], 1));
        Assert.Equal([0, 0.5, 1], t.ToDoubleArray());
        Assert.Contains("clamp: at least one of min or max must be given (input [4])", Assert.Throws<ArgumentException>(() => Tensor.Clamp(x)).Message);
    }

    [Fact]
    public void PowValues()
    {
        var x = Tensor.FromArray([2.0, -2, 0, 9], 4);
        Assert.Equal([4, 4, 0, 81], Tensor.Pow(x, 2.0).ToDoubleArray());
        Assert.Equal([1, 1, 1, 1], x.Pow(0.0).ToDoubleArray());
        Assert.Equal([4, 0.25, 1, 512], Tensor.Pow(2.0, x).ToDoubleArray());
        var half = Tensor.Pow(x, 0.5).ToDoubleArray();
        Assert.True(double.IsNaN(half[1]));
        Assert.Equal(3, half[3]);
        Assert.Equal([2, 0.25, 0, 9], Tensor.Pow(x, Tensor.FromArray([1.0, -2, 5, 1], 4)).ToDoubleArray());
    }

    [Fact]
    public void UnaryOpsRejectIntegerTensors()
    {
        var idx = Tensor.FromArray(new long[] { 1 }, 1);
        Assert.Contains("exp: expected a float32 or float64 tensor, got int64 [1]", Assert.Throws<InvalidOperationException>(() => Tensor.Exp(idx)).Message);
        Assert.Contains("softplus: beta must be non-zero", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Softplus(A, 0)).Message);
    }
}
