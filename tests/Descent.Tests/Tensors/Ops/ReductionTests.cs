using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Values and float64 gradient checks of mean, max/min, amax, argmax, var/std, logsumexp and norm, keepdim or not.</summary>
public class ReductionTests
{
    private static Tensor Leaf(Shape shape, int seed, double lo = -2, double hi = 2) =>
        Tensor.Uniform(shape, lo, hi, DType.Float64, new Generator(seed)).RequiresGradInPlace();

    private static readonly Tensor Grid = Tensor.FromArray(new double[,] { { 1, 5, 3 }, { 4, 2, 6 } });

    [Fact]
    public void MeanValuesAndShapes()
    {
        Assert.Equal(3.5, Grid.Mean().Item());
        Assert.Equal([2.5, 3.5, 4.5], Grid.Mean(0).ToDoubleArray());
        Assert.Equal(new Shape(2, 1), Grid.Mean(1, keepDim: true).Shape);
        Assert.Equal([3, 4], Grid.Mean(-1).ToDoubleArray());
        Assert.True(double.IsNaN(Tensor.Zeros(new Shape(0), DType.Float64).Mean().Item()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MeanGradients(bool keepDim)
    {
        GradCheck.Assert(x => x[0].Mean(), [Leaf(new Shape(3, 4), 1)]);
        GradCheck.Assert(x => x[0].Mean(1, keepDim), [Leaf(new Shape(3, 4), 2)]);
        GradCheck.Assert(x => x[0].Mean([0, 2], keepDim), [Leaf(new Shape(2, 3, 4), 3)]);
    }

    [Fact]
    public void MaxAlongDimReturnsFirstIndexAndPropagatesNaN()
    {
        var (values, indices) = Grid.Max(1);
        Assert.Equal([5, 6], values.ToDoubleArray());
        Assert.Equal(DType.Int64, indices.DType);
        Assert.Equal([1, 2], indices.ToDoubleArray());
        var ties = Tensor.FromArray([2.0, 7, 7, 1], 4);
        Assert.Equal(1, ties.Max(0).Indices.Item());
        Assert.Equal(3, ties.Min(0).Indices.Item());
        var nan = Tensor.FromArray([1.0, double.NaN, 9, double.NaN], 4);
        Assert.True(double.IsNaN(nan.Max().Item()));
        Assert.Equal(1, nan.Max(0).Indices.Item());
        Assert.Equal(1, nan.Argmax().Item());
        Assert.Equal(1, nan.Argmin().Item());
        Assert.Equal(new Shape(2, 1), Grid.Min(1, keepDim: true).Values.Shape);
        Assert.Equal([1, 0, 1], Grid.Argmax(0).ToDoubleArray());
        Assert.Equal(5, Grid.Argmax().Item());
        Assert.Equal(0, Grid.Argmin().Item());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MaxMinAlongDimGradients(bool keepDim)
    {
        GradCheck.Assert(x => x[0].Max(1, keepDim).Values, [Leaf(new Shape(3, 5), 4)]);
        GradCheck.Assert(x => x[0].Min(0, keepDim).Values, [Leaf(new Shape(3, 5), 5)]);
        GradCheck.Assert(x => x[0].Amax([0, 2], keepDim), [Leaf(new Shape(2, 3, 4), 6)]);
        GradCheck.Assert(x => x[0].Amin([1], keepDim), [Leaf(new Shape(2, 3, 4), 7)]);
    }

    [Fact]
    public void DimMaxGradientGoesToTheReturnedIndexButFullMaxSplitsTies()
    {
        var x = Tensor.FromArray([3.0, 1, 3, 3], 4).RequiresGradInPlace();
        x.Max(0).Values.Backward();
        Assert.Equal([1, 0, 0, 0], x.Grad!.ToDoubleArray());
        var y = Tensor.FromArray([3.0, 1, 3, 3], 4).RequiresGradInPlace();
        y.Max().Backward();
        Assert.Equal([1.0 / 3, 0, 1.0 / 3, 1.0 / 3], y.Grad!.ToDoubleArray());
        GradCheck.Assert(t => t[0].Max(), [Leaf(new Shape(3, 4), 8)]);
        GradCheck.Assert(t => t[0].Min(), [Leaf(new Shape(3, 4), 9)]);
    }

    [Fact]
    public void VarAndStdValues()
    {
        var x = Tensor.FromArray([2.0, 4, 4, 4, 5, 5, 7, 9], 8);
        Assert.Equal(4.0, x.Var(unbiased: false).Item(), 14);
        Assert.Equal(32.0 / 7, x.Var().Item(), 14);
        Assert.Equal(2.0, x.Std(unbiased: false).Item(), 14);
        Assert.Equal([4.5, 4.5, 4.5], Grid.Var(0).ToDoubleArray());
        Assert.Equal([4, 4], Grid.Var(1).ToDoubleArray());
        Assert.Equal(new Shape(1, 3), Grid.Std(0, keepDim: true).Shape);
        Assert.True(double.IsNaN(Tensor.FromArray([1.0], 1).Var().Item()));
        // Two-pass: a large offset does not destroy the variance.
        var shifted = Tensor.FromArray([1e9 + 1, 1e9 + 2, 1e9 + 3], 3);
        Assert.Equal(1.0, shifted.Var().Item(), 6);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void VarAndStdGradients(bool keepDim, bool unbiased)
    {
        GradCheck.Assert(x => x[0].Var(unbiased), [Leaf(new Shape(3, 4), 10)]);
        GradCheck.Assert(x => x[0].Var(1, unbiased, keepDim), [Leaf(new Shape(3, 4), 11)]);
        GradCheck.Assert(x => x[0].Std([0, 2], unbiased, keepDim), [Leaf(new Shape(2, 3, 4), 12)]);
        GradCheck.Assert(x => x[0].Std(unbiased), [Leaf(new Shape(5), 13)]);
    }

    [Fact]
    public void StdGradientIsZeroWhereStdIsZero()
    {
        var x = Tensor.FromArray([2.0, 2, 2], 3).RequiresGradInPlace();
        x.Std().Backward();
        Assert.Equal([0, 0, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void LogSumExpIsStable()
    {
        var x = Tensor.FromArray(new double[,] { { 1000, 1000 }, { -1000, -1000 } });
        var lse = x.LogSumExp(1).ToDoubleArray();
        Assert.Equal(1000 + Math.Log(2), lse[0], 10);
        Assert.Equal(-1000 + Math.Log(2), lse[1], 10);
        var inf = Tensor.FromArray([double.NegativeInfinity, double.NegativeInfinity], 2);
        Assert.Equal(double.NegativeInfinity, inf.LogSumExp(0).Item());
        var pinf = Tensor.FromArray([double.PositiveInfinity, 1], 2);
        Assert.Equal(double.PositiveInfinity, pinf.LogSumExp(0).Item());
        var f = Tensor.FromArray([100f, 100f], 2);
        Assert.Equal(100 + Math.Log(2), f.LogSumExp(0).Item(), 4);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LogSumExpGradients(bool keepDim)
    {
        GradCheck.Assert(x => x[0].LogSumExp(1, keepDim), [Leaf(new Shape(3, 4), 14)]);
        GradCheck.Assert(x => x[0].LogSumExp([0, 2], keepDim), [Leaf(new Shape(2, 3, 4), 15, -30, 30)]);
    }

    [Fact]
    public void NormValues()
    {
        var x = Tensor.FromArray([3.0, -4, 0], 3);
        Assert.Equal(5, x.Norm().Item(), 14);
        Assert.Equal(7, x.Norm(1).Item(), 14);
        Assert.Equal(4, x.Norm(double.PositiveInfinity).Item());
        Assert.Equal(2, x.Norm(0).Item());
        Assert.Equal(Math.Pow(27 + 64, 1.0 / 3), x.Norm(3).Item(), 14);
        var columns = Grid.Norm(2, 0).ToDoubleArray();
        double[] expected = [Math.Sqrt(17), Math.Sqrt(29), Math.Sqrt(45)];
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], columns[i], 13);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(1.5)]
    [InlineData(0.5)]
    [InlineData(double.PositiveInfinity)]
    public void NormGradients(double p)
    {
        GradCheck.Assert(x => x[0].Norm(p), [Leaf(new Shape(3, 4), 16, 0.2, 2)]);
        GradCheck.Assert(x => x[0].Norm(p, 1), [Leaf(new Shape(3, 4), 17, -2, -0.2)]);
        GradCheck.Assert(x => x[0].Norm(p, [0, 2], keepDim: true), [Leaf(new Shape(2, 3, 4), 18, 0.2, 2)]);
    }

    [Fact]
    public void NormGradientAtZeroIsZero()
    {
        var x = Tensor.Zeros(new Shape(3), DType.Float64).RequiresGradInPlace();
        x.Norm().Backward();
        Assert.Equal([0, 0, 0], x.Grad!.ToDoubleArray());
        var y = Tensor.FromArray([2.0, -2, 1], 3).RequiresGradInPlace();
        y.Norm(double.PositiveInfinity).Backward();
        Assert.Equal([0.5, -0.5, 0], y.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ReductionErrorsNameTheOpAndShape()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Grid.Mean(2));
        Assert.Contains("mean: dimension 2 out of range for a tensor of rank 2", e.Message);
        var empty = Tensor.Zeros(new Shape(0, 3), DType.Float64);
        Assert.Contains("max(): expected a non-empty tensor; this one has shape [0, 3]", Assert.Throws<ArgumentException>(() => empty.Max()).Message);
        Assert.Contains("max(): cannot reduce dim 0 of size 0 in shape [0, 3]", Assert.Throws<ArgumentException>(() => empty.Max(0)).Message);
        Assert.Contains("norm: p must be ≥ 0", Assert.Throws<ArgumentOutOfRangeException>(() => Grid.Norm(-1)).Message);
        var idx = Tensor.FromArray(new long[] { 1, 2 }, 2);
        Assert.Contains("var: expected a float32 or float64 tensor, got int64 [2]", Assert.Throws<InvalidOperationException>(() => idx.Var()).Message);
    }
}
