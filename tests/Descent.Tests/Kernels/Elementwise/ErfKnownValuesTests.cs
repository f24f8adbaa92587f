using Descent.Kernels;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Elementwise;

/// <summary>erf against correctly rounded values computed with mpmath at 40 digits (independent of the kernel).</summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class ErfKnownValuesTests
{
    // [x, erf(x)] rounded to the nearest double by mpmath.erf (mp.dps = 40).
    private static readonly double[][] Known =
    [
        [1e-300, 1.1283791670955126e-300],
        [1e-10, 1.1283791670955126e-10],
        [0.027285471915405916, 0.030780719166757772],
        [0.3, 0.3286267594591274],
        [0.46875, 0.49261347321793797],
        [0.47, 0.4937450508860821],
        [0.5, 0.5204998778130465],
        [0.75, 0.7111556336535151],
        [1.0, 0.8427007929497149],
        [1.5, 0.9661051464753108],
        [2.0, 0.9953222650189527],
        [2.4674041129031243, 0.9995159597028798],
        [3.0, 0.9999779095030014],
        [3.5, 0.9999992569016276],
        [4.0, 0.9999999845827421],
        [4.5, 0.9999999998033839],
        [5.0, 0.9999999999984626],
        [5.5, 0.9999999999999927],
    ];

    [Fact]
    public void MatchesHighPrecisionValuesWithinTwoUlpOnEveryPath()
    {
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            // Both signs, padded to a full 512-bit vector so the SIMD body (not only the tail) is exercised.
            var x = new double[2 * Known.Length + 8];
            for (int i = 0; i < Known.Length; i++) { x[2 * i] = Known[i][0]; x[2 * i + 1] = -Known[i][0]; }
            var y = new double[x.Length];
            default(ErfKernel<double>).Apply(x, y);
            for (int i = 0; i < Known.Length; i++)
            {
                AssertClose(Known[i][1], y[2 * i], 2, false, $"erf({Known[i][0]:R}) [{level}]");
                AssertClose(-Known[i][1], y[2 * i + 1], 2, false, $"erf({-Known[i][0]:R}) [{level}]");
            }
        }
    }

    [Fact]
    public void LimitsAndSpecialValues()
    {
        Assert.Equal(1.0, ErfKernel<double>.Scalar(double.PositiveInfinity));
        Assert.Equal(-1.0, ErfKernel<double>.Scalar(double.NegativeInfinity));
        Assert.Equal(1.0, ErfKernel<double>.Scalar(30));
        Assert.True(double.IsNaN(ErfKernel<double>.Scalar(double.NaN)));
        Assert.True(double.IsNegative(ErfKernel<double>.Scalar(-0.0)));
    }
}
