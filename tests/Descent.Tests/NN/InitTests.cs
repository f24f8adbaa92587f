using Descent.NN;
using Descent.Tensors;

namespace Descent.Tests.NN;

public class InitTests
{
    private static (double Mean, double Std, double Min, double Max) Stats(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        Assert.Equal((784, 256), Init.FanInAndFanOut(Tensor.Zeros(256, 784)));
        Assert.Equal((3 * 5 * 5, 16 * 5 * 5), Init.FanInAndFanOut(Tensor.Zeros(16, 3, 5, 5)));
        Assert.Throws<ArgumentException>(() => Init.FanInAndFanOut(Tensor.Zeros(5)));
    }

    [Fact]
    public void GainsFollowPyTorch()
    {
        Assert.Equal(1.0, Init.Gain(Nonlinearity.Linear));
        Assert.Equal(5.0 / 3, Init.Gain(Nonlinearity.Tanh));
        Assert.Equal(Math.Sqrt(2), Init.Gain(Nonlinearity.ReLU));
        Assert.Equal(Math.Sqrt(2 / 1.0001), Init.Gain(Nonlinearity.LeakyReLU));
        Assert.Equal(Math.Sqrt(1.0 / 3), Init.Gain(Nonlinearity.LeakyReLU, Math.Sqrt(5)), 15);
        Assert.Equal(0.75, Init.Gain(Nonlinearity.SELU));
    }

    [Fact]
    public void KaimingUniformWithSqrt5IsTheLayerDefaultBound()
    {
        var w = Tensor.Zeros(new Shape(300, 400), DType.Float64);
        Init.KaimingUniform(w, Math.Sqrt(5), generator: new Generator(1));
        var (mean, std, min, max) = Stats(w);
        double bound = 1 / Math.Sqrt(400);
        Assert.True(min >= -bound && max < bound);
        Assert.True(max > 0.99 * bound && min < -0.99 * bound);
        Assert.Equal(0, mean, 0.001);
        Assert.Equal(bound / Math.Sqrt(3), std, 0.01 * bound);
    }

    [Fact]
    public void KaimingNormalFanOutAndXavierHaveTheirVariance()
    {
        var w = Tensor.Zeros(new Shape(200, 100, 3), DType.Float64);
        Init.KaimingNormal(w, mode: FanMode.FanOut, nonlinearity: Nonlinearity.ReLU, generator: new Generator(2));
        Assert.Equal(Math.Sqrt(2.0 / 600), Stats(w).Std, 0.02 * Math.Sqrt(2.0 / 600));
        Init.XavierNormal(w, 2.0, new Generator(3));
        Assert.Equal(2 * Math.Sqrt(2.0 / 900), Stats(w).Std, 0.02 * 2 * Math.Sqrt(2.0 / 900));
        Init.XavierUniform(w, 1.0, new Generator(4));
        double b = Math.Sqrt(6.0 / 900);
        var s = Stats(w);
        Assert.True(s.Min >= -b && s.Max < b);
        Assert.Equal(b / Math.Sqrt(3), s.Std, 0.02 * b);
    }

    [Fact]
    public void SameSeedSameValuesInBothDtypes()
    {
        var a = Init.KaimingUniform(Tensor.Zeros(new Shape(5, 7), DType.Float32), generator: new Generator(9));
        var b = Init.KaimingUniform(Tensor.Zeros(new Shape(5, 7), DType.Float32), generator: new Generator(9));
        var c = Init.KaimingUniform(Tensor.Zeros(new Shape(5, 7), DType.Float64), generator: new Generator(9));
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Assert.Equal(c.ToFloatArray(), a.ToArray<float>());
    }

    [Theory]
    [InlineData(4, 9)]
    [InlineData(9, 4)]
    [InlineData(6, 6)]
    public void OrthogonalHasOrthonormalRowsOrColumns(int rows, int cols)
    {
        var w = Init.Orthogonal(Tensor.Zeros(new Shape(rows, cols), DType.Float64), 1.5, new Generator(rows * 10 + cols));
        int k = Math.Min(rows, cols);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                if (rows <= cols) for (int t = 0; t < cols; t++) dot += w[i, t] * w[j, t];
                else for (int t = 0; t < rows; t++) dot += w[t, i] * w[t, j];
                Assert.Equal(i == j ? 2.25 : 0, dot, 1e-12);
            }
    }

    [Fact]
    public void OrthogonalFlattensTrailingDims()
    {
        var w = Init.Orthogonal(Tensor.Zeros(new Shape(3, 2, 2, 2)), generator: new Generator(5));
        var m = w.Reshape(3, 8).ToDoubleArray();
        for (int i = 0; i < 3; i++)
        {
            double n = 0;
            for (int t = 0; t < 8; t++) n += m[i * 8 + t] * m[i * 8 + t];
            Assert.Equal(1, n, 5);
        }
    }

    [Fact]
    public void ConstantsFill()
    {
        Assert.All(Init.Ones(Tensor.Zeros(3)).ToDoubleArray(), v => Assert.Equal(1, v));
        Assert.All(Init.Zeros(Tensor.Ones(3)).ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.All(Init.Constant(Tensor.Zeros(3), 0.5).ToDoubleArray(), v => Assert.Equal(0.5, v));
    }
}
