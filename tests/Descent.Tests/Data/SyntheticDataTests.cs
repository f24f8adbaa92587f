using Descent.Data;
using Descent.Tensors;

namespace Descent.Tests.Data;

public class SyntheticDataTests
{
    [Fact]
    public void LinearRegressionHasTheRequestedShapesAndRelation()
    {
        var ds = SyntheticData.LinearRegression(500, [2.0, -3.0, 0.5], bias: 1.5, noise: 0, seed: 4, dtype: DType.Float64);
        Assert.Equal(new Shape(500, 3), ds.Features.Shape);
        Assert.Equal(new Shape(500, 1), ds.Targets.Shape);
        var x = ds.Features.ToDoubleArray();
        var y = ds.Targets.ToDoubleArray();
        for (int i = 0; i < 500; i++)
        {
            Assert.InRange(x[3 * i], -1, 1);
            Assert.Equal(2 * x[3 * i] - 3 * x[3 * i + 1] + 0.5 * x[3 * i + 2] + 1.5, y[i], 12);
        }
    }

    [Fact]
    public void LinearRegressionNoiseHasTheRequestedStd()
    {
        var ds = SyntheticData.LinearRegression(20000, 2.0, 2.0, noise: 0.3, seed: 1, dtype: DType.Float64);
        var x = ds.Features.ToDoubleArray();
        var y = ds.Targets.ToDoubleArray();
        var residuals = y.Select((v, i) => v - (2 * x[i] + 2)).ToArray();
        double mean = residuals.Average();
        double std = Math.Sqrt(residuals.Select(r => (r - mean) * (r - mean)).Average());
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.29, 0.31);
    }

    [Fact]
    public void SameSeedSameDataOtherSeedOtherData()
    {
        Assert.Equal(SyntheticData.Blobs(50, seed: 3).Features.ToFloatArray(), SyntheticData.Blobs(50, seed: 3).Features.ToFloatArray());
        Assert.NotEqual(SyntheticData.Blobs(50, seed: 3).Features.ToFloatArray(), SyntheticData.Blobs(50, seed: 4).Features.ToFloatArray());
        Assert.Equal(SyntheticData.TwoSpirals(50, 0.1, seed: 3).Features.ToFloatArray(), SyntheticData.TwoSpirals(50, 0.1, seed: 3).Features.ToFloatArray());
        Assert.NotEqual(SyntheticData.Xor(50, 0.1, seed: 3).Features.ToFloatArray(), SyntheticData.Xor(50, 0.1, seed: 5).Features.ToFloatArray());
        Assert.Equal(SyntheticData.LinearRegression(9, 1.0, 0, seed: 2).Targets.ToFloatArray(), SyntheticData.LinearRegression(9, 1.0, 0, seed: 2).Targets.ToFloatArray());
    }

    [Fact]
    public void BlobsAreBalancedClustersOfTheRequestedSpread()
    {
        var ds = SyntheticData.Blobs(3000, classes: 3, features: 4, std: 0.5, seed: 7, dtype: DType.Float64);
        Assert.Equal(new Shape(3000, 4), ds.Features.Shape);
        Assert.Equal([1000, 1000, 1000], ds.ClassCounts());
        var x = ds.Features.ToDoubleArray();
        var labels = ds.Targets.ToArray<long>();
        for (int c = 0; c < 3; c++)
        {
            var rows = Enumerable.Range(0, 3000).Where(i => labels[i] == c).ToArray();
            for (int j = 0; j < 4; j++)
            {
                var col = rows.Select(i => x[i * 4 + j]).ToArray();
                double mean = col.Average();
                double std = Math.Sqrt(col.Select(v => (v - mean) * (v - mean)).Average());
                Assert.InRange(mean, -10.1, 10.1);
                Assert.InRange(std, 0.45, 0.55);
            }
        }
    }

    [Fact]
    public void TwoSpiralsLieOnTheirArms()
    {
        var ds = SyntheticData.TwoSpirals(400, noise: 0, seed: 2, dtype: DType.Float64, turns: 1.5);
        var x = ds.Features.ToDoubleArray();
        var labels = ds.Targets.ToArray<long>();
        Assert.Equal([200, 200], ds.ClassCounts());
        double span = 1.5 * 2 * Math.PI;
        for (int i = 0; i < 400; i++)
        {
            double px = x[2 * i], py = x[2 * i + 1];
            double r = Math.Sqrt(px * px + py * py);
            Assert.InRange(r, 0, 1);
            // Angle along the arm is r·span, plus π for class 1: compare on the unit circle to avoid wrapping.
            double angle = r * span + labels[i] * Math.PI;
            Assert.Equal(Math.Cos(angle) * r, px, 9);
            Assert.Equal(Math.Sin(angle) * r, py, 9);
        }
    }

    [Fact]
    public void XorLabelsFollowTheQuadrant()
    {
        var ds = SyntheticData.Xor(400, noise: 0, seed: 9);
        var x = ds.Features.ToFloatArray();
        var labels = ds.Targets.ToArray<long>();
        for (int i = 0; i < 400; i++)
        {
            Assert.InRange(Math.Abs(x[2 * i]), 1e-9, 1);
            Assert.Equal((x[2 * i] > 0) ^ (x[2 * i + 1] > 0) ? 1 : 0, labels[i]);
        }
        Assert.Equal([200, 200], ds.ClassCounts());
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticData.Blobs(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticData.Xor(10, noise: -1));
        Assert.Throws<ArgumentException>(() => SyntheticData.LinearRegression(10, [], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticData.TwoSpirals(10, turns: 0));
    }
}
