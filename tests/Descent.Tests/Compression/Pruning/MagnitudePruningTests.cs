using Descent.Compression.Pruning;
using Descent.Tensors;

namespace Descent.Tests.Compression.Pruning;

public class MagnitudePruningTests
{
    [Fact]
    public void FractionsRoundHalfToEvenLikePython()
    {
        Assert.Equal(2, PruneAmount.Fraction(0.25).UnitsOf(10)); // 2.5 → 2
        Assert.Equal(4, PruneAmount.Fraction(0.35).UnitsOf(10)); // 3.5 → 4
        Assert.Equal(0, PruneAmount.Fraction(0).UnitsOf(7));
        Assert.Equal(7, PruneAmount.Fraction(1).UnitsOf(7));
        Assert.Equal(3, PruneAmount.Count(3).UnitsOf(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => PruneAmount.Count(8).UnitsOf(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => PruneAmount.Fraction(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PruneAmount.Count(-1));
    }

    [Fact]
    public void TiesGoToTheLowerIndexAndInfinityNormPrunesByMaxAbs()
    {
        var w = Tensor.FromArray(new double[] { 1, -1, 1, 2 }, 4);
        Assert.Equal([0.0, 0, 1, 1], MagnitudePruning.L1UnstructuredMask(w, PruneAmount.Count(2)).ToDoubleArray());
        // Rows' max |w|: 3, 1, 2 → prune row 1.
        var m = Tensor.FromArray(new double[] { 3, 0, 0.5, -1, -2, 0 }, 3, 2);
        Assert.Equal([1.0, 1, 0, 0, 1, 1], MagnitudePruning.LnStructuredMask(m, PruneAmount.Count(1), double.PositiveInfinity, 0).ToDoubleArray());
        // Columns' L1 norms: 5.5, 1 → prune column 1 (dim -1).
        Assert.Equal([1.0, 0, 1, 0, 1, 0], MagnitudePruning.LnStructuredMask(m, PruneAmount.Count(1), 1, -1).ToDoubleArray());
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var w = Tensor.FromArray(new double[] { 1, double.NaN }, 2);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => MagnitudePruning.L1UnstructuredMask(w, PruneAmount.Count(1))).Message);
        var m = Tensor.Zeros(new Shape(2, 2), DType.Float64);
        Assert.Contains("dim 2", Assert.Throws<ArgumentOutOfRangeException>(() => MagnitudePruning.LnStructuredMask(m, PruneAmount.Count(1), 2, 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MagnitudePruning.LnStructuredMask(m, PruneAmount.Count(1), 0.5, 0));
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => MagnitudePruning.Apply(m, Tensor.Ones(new Shape(3), DType.Float64))).Message);
    }
}
