namespace Descent.Tests.Kernels.Elementwise;

/// <summary>
/// Float64 references written independently of the kernels (different formulas), accurate to an ulp or two:
/// the reference each kernel path is compared with.
/// </summary>
internal static class ReferenceMath
{
    /// <summary>log1p through double-double: 1 + x = hi + lo exactly (TwoSum), log(hi + lo) ≈ log(hi) + lo/hi.</summary>
    public static double Log1p(double x)
    {
        if (double.IsNaN(x) || x < -1) return double.NaN;
        if (double.IsPositiveInfinity(x)) return x;
        if (x == 0) return x;
        double hi = 1 + x;
        double bb = hi - 1;
        double lo = (1 - (hi - bb)) + (x - bb);
        return Math.Log(hi) + lo / hi;
    }

    /// <summary>expm1 as 2t/(1 − t) with t = tanh(x/2) for |x| &lt; 1 (no cancellation), exp(x) − 1 beyond.</summary>
    public static double Expm1(double x)
    {
        if (x == 0 || double.IsNaN(x)) return x;
        if (Math.Abs(x) >= 1) return Math.Exp(x) - 1;
        double t = Math.Tanh(x / 2);
        return 2 * t / (1 - t);
    }

    /// <summary>
    /// erf by the all-positive series erf x = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) for |x| &lt; 1 (no
    /// cancellation), and 1 − erfc with erfc from its continued fraction (modified Lentz) beyond.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x == 0) return x;
        double a = Math.Abs(x);
        double r;
        if (a < 1.0)
        {
            double term = a, sum = a, x2 = a * a;
            double lo = Math.FusedMultiplyAdd(a, a, -x2);   // x² = x2 + lo exactly
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++)
            {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
            }
            r = 2 / Math.Sqrt(Math.PI) * (Math.Exp(-x2) * (1 - lo)) * sum;
        }
        else if (a > 27)
        {
            r = 1;
        }
        else
        {
            // erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))).
            double tiny = 1e-300, f = a, c = a, d = 0;
            for (int k = 1; k < 5000; k++)
            {
                double ak = k / 2.0;
                d = a + ak * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
                c = a + ak / c; c = Math.Abs(c) < tiny ? tiny : c;
                double delta = c * d;
                f *= delta;
                if (Math.Abs(delta - 1) < 1e-17) break;
            }
            double a2 = a * a, a2lo = Math.FusedMultiplyAdd(a, a, -a2);
            r = 1 - Math.Exp(-a2) * (1 - a2lo) / Math.Sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double Softplus(double x, double beta, double threshold) =>
        x * beta > threshold ? x : Log1p(Math.Exp(x * beta)) / beta;
}
