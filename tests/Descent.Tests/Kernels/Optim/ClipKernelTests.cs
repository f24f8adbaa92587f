using Descent.Kernels;
using Descent.Kernels.Optim;

namespace Descent.Tests.Kernels.Optim;

/// <summary>The clipping reductions and updates on the SIMD and scalar paths, at lengths 0..130 and with special values.</summary>
[Trait("Category", "Kernels")]
[Collection(OptimKernelsCollection.Name)]
public class ClipKernelTests
{
    [Fact]
    public void ReductionsMatchDoubleReferencesOnEveryPath()
    {
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector256, SimdLevel.Vector512 })
        {
            using var _ = KernelConfig.Force(level);
            var rng = new Random(11);
            for (int n = 0; n <= 130; n++)
            {
                var x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 6 - 3);
                double sq = 0, abs = 0, max = 0, p3 = 0;
                foreach (float v in x)
                {
                    sq += (double)v * v;
                    abs += Math.Abs(v);
                    max = Math.Max(max, Math.Abs(v));
                    p3 += Math.Pow(Math.Abs(v), 3);
                }
                Assert.Equal(sq, ClipKernels.SumOfSquares<float>(x), 1e-4);
                Assert.Equal(abs, ClipKernels.SumOfMagnitudes<float>(x), 1e-4);
                Assert.Equal(max, ClipKernels.MaxMagnitude<float>(x));
                Assert.Equal(p3, ClipKernels.SumOfPowers<float>(x, 3), 1e-9);
            }
        }
    }

    [Fact]
    public void NanPropagatesAndInfinityIsTheMaximum()
    {
        foreach (var level in new[] { SimdLevel.Scalar, SimdLevel.Vector512 })
        {
            using var _ = KernelConfig.Force(level);
            double[] x = [1, -2, double.NegativeInfinity, 3];
            Assert.Equal(double.PositiveInfinity, ClipKernels.MaxMagnitude<double>(x));
            Assert.Equal(double.PositiveInfinity, ClipKernels.SumOfSquares<double>(x));
            double[] withNan = [1, double.NaN, 5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
            Assert.True(double.IsNaN(ClipKernels.MaxMagnitude<double>(withNan)), $"{level}: max|x| must be NaN when x has a NaN.");
            Assert.True(double.IsNaN(ClipKernels.SumOfSquares<double>(withNan)));
            ClipKernels.Clamp<double>(withNan, -1.5, 1.5);
            Assert.True(double.IsNaN(withNan[1]));
            Assert.Equal(1.5, withNan[2]);
        }
    }

    [Fact]
    public void ClampAndScaleAgreeAcrossPaths()
    {
        var rng = new Random(2);
        for (int n = 0; n <= 130; n++)
        {
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
            var a = (float[])x.Clone();
            var b = (float[])x.Clone();
            using (KernelConfig.Force(SimdLevel.Scalar))
            {
                ClipKernels.Clamp<float>(a, -0.5f, 0.7f);
                ClipKernels.Scale<float>(a, 0.3f);
            }
            ClipKernels.Clamp<float>(b, -0.5f, 0.7f);
            ClipKernels.Scale<float>(b, 0.3f);
            Assert.Equal(a, b);
            Assert.All(b, v => Assert.InRange(v, -0.5f * 0.3f - 1e-7f, 0.7f * 0.3f + 1e-7f));
        }
    }
}
