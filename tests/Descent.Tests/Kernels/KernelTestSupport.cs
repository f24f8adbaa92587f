using Descent.Kernels;

namespace Descent.Tests.Kernels;

/// <summary>Inputs with special values at random positions, the SIMD levels to sweep, and ULP comparisons.</summary>
internal static class KernelTestSupport
{
    public const int MaxLength = 130;

    public static readonly double[] Specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0];

    /// <summary>Every level the hardware can run, widest first (forcing a level above it would silently clamp).</summary>
    public static IEnumerable<SimdLevel> Levels()
    {
        yield return SimdLevel.Scalar;
        if (KernelConfig.HardwareLevel >= SimdLevel.Vector256) yield return SimdLevel.Vector256;
        if (KernelConfig.HardwareLevel >= SimdLevel.Vector512) yield return SimdLevel.Vector512;
    }

    /// <summary>n draws from <paramref name="draw"/>, with each special value dropped at a random position (when n allows).</summary>
    public static double[] Inputs(int n, Random rng, Func<Random, double> draw, double[]? specials = null)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = draw(rng);
        foreach (var s in specials ?? Specials)
            if (n > 0 && rng.NextDouble() < 0.8) x[rng.Next(n)] = s;
        return x;
    }

    public static double Uniform(Random rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    /// <summary>Log-uniform magnitude in [10^lo, 10^hi] with a random sign.</summary>
    public static double LogUniform(Random rng, double lo, double hi, bool signed = true)
    {
        double m = Math.Pow(10, Uniform(rng, lo, hi));
        return signed && rng.Next(2) == 0 ? -m : m;
    }

    public static float[] ToFloat(double[] x) => Array.ConvertAll(x, v => (float)v);

    /// <summary>
    /// Asserts |actual − expected| ≤ ulps·ulp(expected) in the precision of the output type (NaN must match NaN,
    /// infinities must match exactly). <paramref name="checkZeroSign"/> also compares the sign of zero results.
    /// </summary>
    public static void AssertClose(double expected, double actual, double ulps, bool isFloat, string what, bool checkZeroSign = false) =>
        AssertClose(expected, actual, ulps, isFloat, () => what, checkZeroSign);

    /// <summary>Same as the string overload; the description is built only when the check fails.</summary>
    public static void AssertClose(double expected, double actual, double ulps, bool isFloat, Func<string> what, bool checkZeroSign = false)
    {
        string? failure = Check(expected, actual, ulps, isFloat, checkZeroSign);
        if (failure is not null) Assert.Fail($"{what()}: {failure}");
    }

    private static string? Check(double expected, double actual, double ulps, bool isFloat, bool checkZeroSign)
    {
        if (double.IsNaN(expected))
        {
            return double.IsNaN(actual) ? null : $"expected NaN, got {actual:R}";
        }
        if (double.IsNaN(actual)) return $"expected {expected:R}, got NaN";
        if (isFloat) expected = (float)expected;   // compare against the correctly rounded float (when exact)
        if (double.IsInfinity(expected) || double.IsInfinity(actual))
        {
            return expected == actual ? null : $"expected {expected:R}, got {actual:R}";
        }
        if (checkZeroSign && expected == 0 && actual == 0 && double.IsNegative(expected) != double.IsNegative(actual))
            return $"expected {expected:R}, got {actual:R} (sign of zero)";
        double ulp = isFloat
            ? Math.Max(MathF.BitIncrement(MathF.Abs((float)expected)) - MathF.Abs((float)expected), float.Epsilon)
            : Math.Max(Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected), double.Epsilon);
        double err = Math.Abs(actual - expected);
        return err <= ulps * ulp ? null : $"expected {expected:R}, got {actual:R} ({err / ulp:F1} ulp > {ulps})";
    }
}
