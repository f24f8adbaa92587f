using Descent.Tensors;

namespace Descent.Tests.Tensors.Ops;

/// <summary>Random creation: determinism per seed, ranges, and moments.</summary>
public class RandomTests
{
    [Fact]
    public void SameSeedGivesSameTensorsAndDifferentSeedsDiffer()
    {
        var a = Tensor.Randn(new Shape(1000), DType.Float64, new Generator(5)).ToDoubleArray();
        var b = Tensor.Randn(new Shape(1000), DType.Float64, new Generator(5)).ToDoubleArray();
        var c = Tensor.Randn(new Shape(1000), DType.Float64, new Generator(6)).ToDoubleArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Tensor.RandPerm(50, new Generator(1)).ToDoubleArray(), Tensor.RandPerm(50, new Generator(1)).ToDoubleArray());
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void UniformStaysInRangeWithUniformMoments(DType dtype)
    {
        var t = Tensor.Uniform(new Shape(100_000), -2, 3, dtype, new Generator(2));
        Assert.Equal(dtype, t.DType);
        var v = t.ToDoubleArray();
        Assert.All(v, x => Assert.InRange(x, -2, 3 - 1e-12));
        Assert.InRange(v.Average(), 0.5 - 0.02, 0.5 + 0.02);
        Assert.InRange(t.Var().Item(), 25.0 / 12 * 0.98, 25.0 / 12 * 1.02);
        Assert.All(Tensor.Rand(new Shape(10_000), dtype, new Generator(3)).ToDoubleArray(), x => Assert.InRange(x, 0, 1 - 1e-12));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NormalHasRequestedMoments(DType dtype)
    {
        var t = Tensor.Normal(new Shape(200_000), 3, 0.5, dtype, new Generator(4));
        Assert.InRange(t.Mean().Item(), 3 - 0.005, 3 + 0.005);
        Assert.InRange(t.Std().Item(), 0.5 * 0.99, 0.5 * 1.01);
        var z = Tensor.Randn(new Shape(200_000), dtype, new Generator(8));
        // Standard normal: skewness ≈ 0 and kurtosis ≈ 3.
        var d = z.ToDoubleArray();
        double m = d.Average(), m2 = d.Average(x => (x - m) * (x - m));
        Assert.InRange(d.Average(x => Math.Pow(x - m, 3)) / Math.Pow(m2, 1.5), -0.03, 0.03);
        Assert.InRange(d.Average(x => Math.Pow(x - m, 4)) / (m2 * m2), 2.93, 3.07);
    }

    [Fact]
    public void InPlaceFillsKeepTheTensor()
    {
        var w = Tensor.Zeros(new Shape(3, 4));
        Assert.Same(w, w.UniformInPlace(-0.1, 0.1, new Generator(1)));
        Assert.All(w.ToDoubleArray(), x => Assert.InRange(x, -0.1, 0.1));
        Assert.Same(w, w.NormalInPlace(0, 0.02, new Generator(1)));
        Assert.InRange(w.ToDoubleArray().Max(Math.Abs), 1e-6, 0.2);
    }

    [Fact]
    public void BernoulliMatchesProbabilities()
    {
        var p = Tensor.Full(new Shape(50_000), 0.3, DType.Float64);
        var b = Tensor.Bernoulli(p, new Generator(3));
        Assert.Equal(DType.Float64, b.DType);
        Assert.All(b.ToDoubleArray(), x => Assert.True(x is 0 or 1));
        Assert.InRange(b.Mean().Item(), 0.29, 0.31);
        var edges = Tensor.Bernoulli(Tensor.FromArray([0f, 1f, 0f, 1f], 4), new Generator(4));
        Assert.Equal([0, 1, 0, 1], edges.ToDoubleArray());
        Assert.InRange(Tensor.Bernoulli(new Shape(50_000), 0.8, DType.Float32, new Generator(5)).Mean().Item(), 0.79, 0.81);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Bernoulli(Tensor.FromArray([0.5, 1.5], 2)));
        Assert.Contains("bernoulli: every probability must be in [0, 1]; element 1 of [2] is 1.5", e.Message);
    }

    [Fact]
    public void RandIntCoversItsRangeUniformly()
    {
        var t = Tensor.RandInt(-3, 4, new Shape(70_000), new Generator(6));
        Assert.Equal(DType.Int64, t.DType);
        var counts = new int[7];
        foreach (long v in t.ToArray<long>()) counts[v + 3]++;
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
        Assert.Throws<ArgumentException>(() => Tensor.RandInt(2, 2, new Shape(1)));
    }

    [Fact]
    public void RandPermIsAPermutationWithUniformPositions()
    {
        var p = Tensor.RandPerm(100, new Generator(7)).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), p.Order());
        // Position of element 0 over many shuffles of 4 should be uniform.
        var g = new Generator(8);
        var counts = new int[4];
        for (int i = 0; i < 8000; i++) counts[Array.IndexOf(Tensor.RandPerm(4, g).ToArray<long>(), 0L)]++;
        Assert.All(counts, c => Assert.InRange(c, 1800, 2200));
        Assert.Empty(Tensor.RandPerm(0).ToArray<long>());
    }

    [Fact]
    public void InvalidArgumentsAreNamed()
    {
        Assert.Contains("normal_: expected std ≥ 0, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Normal(new Shape(2), 0, -1)).Message);
        Assert.Contains("uniform_: expected a finite range", Assert.Throws<ArgumentException>(() => Tensor.Uniform(new Shape(2), 1, 0)).Message);
        Assert.Contains("rand: expected dtype float32 or float64, got int64", Assert.Throws<ArgumentException>(() => Tensor.Rand(new Shape(2), DType.Int64)).Message);
    }
}
