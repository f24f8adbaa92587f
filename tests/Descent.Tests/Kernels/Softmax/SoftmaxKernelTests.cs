using Descent.Kernels;
using Descent.Tests.Tensors.Ops;

namespace Descent.Tests.Kernels.Softmax;

[Trait("Category", "Kernels")]
[Collection(NNKernelsCollection.Name)]
public class SoftmaxKernelTests
{
    private static double[] Input(int length, int seed) => NNTestData.Normal(length, seed).Select(v => v * 5).ToArray();

    [Fact]
    public void ContiguousRowsOfEveryLengthOnEveryLevel()
    {
        foreach (var level in NNKernelsCollection.Levels)
        {
            using var _ = KernelConfig.Force(level);
            for (int length = 0; length <= 130; length++)
            {
                var x = Input(length, length);
                var g = NNTestData.Normal(length, 1000 + length);
                foreach (bool log in new[] { false, true })
                {
                    var expected = NNReference.Softmax(x, 1, length, 1, log);
                    var expectedGrad = ReferenceGrad(expected, g, 1, length, 1, log);
                    CheckBoth(x, g, expected, expectedGrad, 1, length, 1, log, $"{level} n={length} log={log}");
                }
            }
        }
    }

    [Fact]
    public void StridedColumnsAcrossTileBoundariesOnEveryLevel()
    {
        foreach (var level in NNKernelsCollection.Levels)
        {
            using var _ = KernelConfig.Force(level);
            foreach (var (outer, size, inner) in new[] { (1, 3, 2), (2, 5, 17), (3, 4, 130), (1, 2, 257), (2, 3, 520), (1, 1, 9) })
            {
                var x = Input(outer * size * inner, inner);
                var g = NNTestData.Normal(x.Length, 7 * inner);
                foreach (bool log in new[] { false, true })
                {
                    var expected = NNReference.Softmax(x, outer, size, inner, log);
                    var expectedGrad = ReferenceGrad(expected, g, outer, size, inner, log);
                    CheckBoth(x, g, expected, expectedGrad, outer, size, inner, log, $"{level} [{outer},{size},{inner}] log={log}");
                }
            }
        }
    }

    [Fact]
    public void SpecialValuesOnEveryLevel()
    {
        double ninf = double.NegativeInfinity, nan = double.NaN;
        foreach (var level in NNKernelsCollection.Levels)
        {
            using var _ = KernelConfig.Force(level);
            foreach (int length in new[] { 3, 8, 17, 40 })
            {
                foreach (var fill in new[] { ninf, nan })
                {
                    var x = new double[length];
                    Array.Fill(x, ninf);
                    x[length / 2] = fill == ninf ? 0 : nan;   // one finite value among −∞, or one NaN among −∞
                    var y = new double[length];
                    SoftmaxKernels.Forward<double>(x, y, 1, length, 1, log: false);
                    if (fill == ninf)
                        Assert.Equal(Enumerable.Range(0, length).Select(i => i == length / 2 ? 1.0 : 0.0), y);
                    else
                        Assert.All(y, v => Assert.True(double.IsNaN(v)));
                    var allMinusInf = Enumerable.Repeat(ninf, length).Select(v => (float)v).ToArray();
                    var yf = new float[length];
                    SoftmaxKernels.Forward<float>(allMinusInf, yf, 1, length, 1, log: true);
                    Assert.All(yf, v => Assert.True(float.IsNaN(v)));
                }
            }
        }
    }

    private static void CheckBoth(double[] x, double[] g, double[] expected, double[] expectedGrad, int outer, int size, int inner, bool log,
        string what)
    {
        var y = new double[x.Length];
        SoftmaxKernels.Forward<double>(x, y, outer, size, inner, log);
        NNTestData.Close(expected, y, 1e-13, 1e-12, what + " f64");
        var dx = new double[x.Length];
        SoftmaxKernels.Backward<double>(y, g, dx, outer, size, inner, log);
        NNTestData.Close(expectedGrad, dx, 1e-12, 1e-10, what + " f64 grad");

        var xf = x.Select(v => (float)v).ToArray();
        var yf = new float[x.Length];
        SoftmaxKernels.Forward<float>(xf, yf, outer, size, inner, log);
        NNTestData.Close(expected, yf.Select(v => (double)v).ToArray(), 1e-6, 1e-5, what + " f32");
        var dxf = new float[x.Length];
        SoftmaxKernels.Backward<float>(yf, g.Select(v => (float)v).ToArray(), dxf, outer, size, inner, log);
        NNTestData.Close(expectedGrad, dxf.Select(v => (double)v).ToArray(), 1e-5, 1e-4, what + " f32 grad");
    }

    /// <summary>softmax: dx = y(g − Σ g·y); log_softmax: dx = g − exp(y)·Σ g, in double along the middle axis.</summary>
    private static double[] ReferenceGrad(double[] y, double[] g, int outer, int size, int inner, bool log)
    {
        var dx = new double[y.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                double s = 0;
                for (int r = 0; r < size; r++)
                {
                    int k = (o * size + r) * inner + i;
                    s += log ? g[k] : g[k] * y[k];
                }
                for (int r = 0; r < size; r++)
                {
                    int k = (o * size + r) * inner + i;
                    dx[k] = log ? g[k] - Math.Exp(y[k]) * s : y[k] * (g[k] - s);
                }
            }
        return dx;
    }
}
