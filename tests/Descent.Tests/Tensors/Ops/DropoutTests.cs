using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.Tensors.Ops;

public class DropoutTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void MaskHasTheRightValuesAndRate(double p)
    {
        var mask = Tensor.DropoutMask(new Shape(200, 500), p, new Generator(7), DType.Float64).ToDoubleArray();
        double scale = 1 / (1 - p);
        int kept = 0;
        foreach (double v in mask)
        {
            Assert.True(v == 0 || v == scale, $"mask value {v}");
            if (v != 0) kept++;
        }
        // 100,000 Bernoulli draws: the kept fraction is within 5 standard deviations of 1 − p.
        double sd = Math.Sqrt(p * (1 - p) / mask.Length);
        Assert.InRange(kept / (double)mask.Length, 1 - p - 5 * sd, 1 - p + 5 * sd);
    }

    [Fact]
    public void MaskIsReproduciblePerSeedAndAdvancesTheGenerator()
    {
        var a = Tensor.DropoutMask(new Shape(33), 0.3, new Generator(1)).ToArray<float>();
        var b = Tensor.DropoutMask(new Shape(33), 0.3, new Generator(1)).ToArray<float>();
        Assert.Equal(a, b);
        var gen = new Generator(1);
        var first = Tensor.DropoutMask(new Shape(33), 0.3, gen).ToArray<float>();
        var second = Tensor.DropoutMask(new Shape(33), 0.3, gen).ToArray<float>();
        Assert.Equal(a, first);
        Assert.NotEqual(first, second);
        // A float64 mask from the same seed drops the same elements.
        var d = Tensor.DropoutMask(new Shape(33), 0.3, new Generator(1), DType.Float64).ToDoubleArray();
        Assert.Equal(a.Select(v => v == 0), d.Select(v => v == 0));
    }

    [Fact]
    public void DropoutAppliesTheMaskAndItsGradient()
    {
        var x = NNTestData.Leaf(3, 4, 25);
        var y = Tensor.Dropout(x, 0.4, training: true, new Generator(11));
        var mask = Tensor.DropoutMask(x.Shape, 0.4, new Generator(11), DType.Float64).ToDoubleArray();
        var xs = x.ToDoubleArray();
        Assert.Equal(xs.Select((v, i) => v * mask[i]), y.ToDoubleArray());
        y.Sum().Backward();
        Assert.Equal(mask, x.Grad!.ToDoubleArray());
        GradCheck.Assert(t => Tensor.Dropout(t[0], 0.4, true, new Generator(5)), [NNTestData.Leaf(4, 3, 7)]);
    }

    [Fact]
    public void IdentityWhenEvaluatingOrPIsZeroAndZerosWhenPIsOne()
    {
        var x = NNTestData.Leaf(6, 5, 5);
        Assert.Same(x, Tensor.Dropout(x, 0.5, training: false));
        Assert.Same(x, x.Dropout(0));
        var gen = new Generator(9);
        var state = gen.GetState();
        var y = Tensor.Dropout(x, 1, true, gen);
        Assert.Equal(state, gen.GetState());   // p = 1 draws nothing
        Assert.All(y.ToDoubleArray(), v => Assert.Equal(0, v));
        y.Sum().Backward();
        Assert.All(x.Grad!.ToDoubleArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void RejectsProbabilitiesOutsideZeroToOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Dropout(Tensor.Zeros(2), 1.5));
        Assert.Contains("dropout: probability has to be between 0 and 1, but got 1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.DropoutMask(new Shape(2), double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Dropout(Tensor.Zeros(2), -0.1, training: false));
    }
}
