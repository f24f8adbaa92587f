using Descent.NN;
using Descent.Tensors;
using Descent.Tensors.Autograd;

namespace Descent.Tests.NN;

/// <summary>
/// The 1-D layers (Conv1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d): values against the definitions of PyTorch's
/// conv1d / pooling computed directly, and float64 finite-difference gradients.
/// </summary>
public class Layers1dTests
{
    private static Tensor R(int seed, params int[] shape) => Tensor.Randn(new Shape(shape), DType.Float64, new Generator(seed));

    [Fact]
    public void Conv1dMatchesTheDefinitionWithStridePaddingDilationAndGroups()
    {
        var conv = new Conv1d(4, 6, 3, stride: 2, padding: 2, dilation: 2, groups: 2, dtype: DType.Float64, generator: new Generator(1));
        var x = R(2, 2, 4, 9);
        var y = conv.Call(x);
        int lOut = (9 + 2 * 2 - 2 * (3 - 1) - 1) / 2 + 1;
        Assert.Equal(new Shape(2, 6, lOut), y.Shape);
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 6; o++)
                for (int t = 0; t < lOut; t++)
                {
                    double sum = conv.Bias![o];
                    int g = o / 3;
                    for (int c = 0; c < 2; c++)
                        for (int k = 0; k < 3; k++)
                        {
                            int pos = t * 2 - 2 + k * 2;
                            if (pos >= 0 && pos < 9) sum += conv.Weight[o, c, k] * x[n, g * 2 + c, pos];
                        }
                    Assert.Equal(sum, y[n, o, t], 1e-12);
                }
    }

    [Fact]
    public void Conv1dGradChecksAndAcceptsUnbatchedInput()
    {
        var conv = new Conv1d(3, 4, 3, stride: 1, padding: 1, dtype: DType.Float64, generator: new Generator(3));
        var x = R(4, 2, 3, 7).RequiresGradInPlace();
        GradCheck.Assert(t => conv.Call(t[0]), [x, .. conv.Parameters()]);
        Assert.Equal(conv.Call(x).Select(0, 1).ToDoubleArray(), conv.Call(x.Select(0, 1)).ToDoubleArray());
        Assert.Throws<ArgumentException>(() => conv.Call(R(5, 1, 3, 4, 4)));
        Assert.Equal("Conv1d(3, 4, kernel_size=(3,), stride=(1,), padding=(1,))", conv.ToString());
    }

    [Fact]
    public void MaxPool1dTakesWindowMaximaAndGradChecks()
    {
        var pool = new MaxPool1d(3, stride: 2, padding: 1);
        var x = R(6, 2, 3, 8);
        var y = pool.Call(x);
        Assert.Equal(new Shape(2, 3, 4), y.Shape);
        for (int t = 0; t < 4; t++)
        {
            double m = double.NegativeInfinity;
            for (int k = 0; k < 3; k++)
            {
                int pos = t * 2 - 1 + k;
                if (pos >= 0 && pos < 8) m = Math.Max(m, x[1, 2, pos]);
            }
            Assert.Equal(m, y[1, 2, t]);
        }
        GradCheck.Assert(t => pool.Call(t[0]), [x.RequiresGradInPlace()]);
    }

    [Fact]
    public void AvgPool1dCountsPaddingAsPyTorchDoesAndGradChecks()
    {
        var x = R(7, 1, 2, 5);
        var include = new AvgPool1d(2, stride: 2, padding: 1).Call(x);
        var exclude = new AvgPool1d(2, stride: 2, padding: 1, countIncludePad: false).Call(x);
        Assert.Equal(new Shape(1, 2, 3), include.Shape);
        Assert.Equal(x[0, 1, 0] / 2, include[0, 1, 0], 1e-15);
        Assert.Equal(x[0, 1, 0], exclude[0, 1, 0], 1e-15);
        Assert.Equal((x[0, 1, 1] + x[0, 1, 2]) / 2, include[0, 1, 1], 1e-15);
        GradCheck.Assert(t => new AvgPool1d(3, stride: 1, padding: 1).Call(t[0]), [x.RequiresGradInPlace()]);
    }

    [Fact]
    public void AdaptiveAvgPool1dOfOneIsTheMeanAndGradChecks()
    {
        var x = R(8, 3, 4, 6);
        var y = new AdaptiveAvgPool1d(1).Call(x);
        Assert.Equal(new Shape(3, 4, 1), y.Shape);
        Assert.Equal(x.Mean(2).ToDoubleArray(), y.Squeeze(2).ToDoubleArray(), new ToleranceComparer(1e-15));
        GradCheck.Assert(t => new AdaptiveAvgPool1d(2).Call(t[0]), [x.RequiresGradInPlace()]);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
