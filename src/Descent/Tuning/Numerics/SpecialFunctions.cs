using System.Runtime.CompilerServices;
namespace Descent.Tuning;

/// <summary>
/// Error function, normal CDF and its inverse, in double precision. .NET has no <c>erf</c>, so
/// <see cref="Erf"/>/<see cref="Erfc"/> follow Sun's fdlibm <c>s_erf.c</c> (the rational approximations
/// on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35), [1/0.35, 28); error below 1 ulp), the same source
/// Optuna's <c>_erf.py</c> and C libraries use.
/// </summary>
public static class SpecialFunctions
{
    /// <summary>log √(2π).</summary>
    public const double LogSqrt2Pi = 0.91893853320467274178;

    private const double Erx = 8.45062911510467529297e-01;
    private const double Efx = 1.28379167095512586316e-01;
    private static readonly double[] Pp = [1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02, -5.77027029648944159157e-03, -2.37630166566501626084e-05];
    private static readonly double[] Qq = [1, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03, 1.32494738004321644526e-04, -3.96022827877536812320e-06];
    private static readonly double[] Pa = [-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01, 3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02, -2.16637559486879084300e-03];
    private static readonly double[] Qa = [1, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02, 1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02];
    private static readonly double[] Ra = [-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e01, -6.23753324503260060396e01, -1.62396669462573470355e02, -1.84605092906711035994e02, -8.12874355063065934246e01, -9.81432934416914548592e00];
    private static readonly double[] Sa = [1, 1.96512716674392571292e01, 1.37657754143519042600e02, 4.34565877475229228821e02, 6.45387271733267880336e02, 4.29008140027567833386e02, 1.08635005541779435134e02, 6.57024977031928170135e00, -6.04244152148580987438e-02];
    private static readonly double[] Rb = [-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e01, -1.60636384855821916062e02, -6.37566443368389627722e02, -1.02509513161107724954e03, -4.83519191608651397019e02];
    private static readonly double[] Sb = [1, 3.03380607434824582924e01, 3.25792512996573918826e02, 1.53672958608443695994e03, 3.19985821950859553908e03, 2.55305040643316442583e03, 4.74528541206955367215e02, -2.24409524465858183362e01];

    /// <summary>The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 0.84375)
        {
            if (ax < 3.7252902984e-09) return x + Efx * x;
            double z = x * x;
            return x + x * (Poly(Pp, z) / Poly(Qq, z));
        }
        if (ax < 1.25)
        {
            double s = ax - 1;
            double r = Erx + Poly(Pa, s) / Poly(Qa, s);
            return x >= 0 ? r : -r;
        }
        if (ax >= 6) return x >= 0 ? 1.0 : -1.0;
        double tail = Tail(ax);
        return x >= 0 ? 1 - tail : tail - 1;
    }

    /// <summary>The complementary error function erfc(x) = 1 − erf(x), accurate in the right tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 0.84375)
        {
            if (ax < 1.3877787807814457e-17) return 1 - x;
            double z = x * x;
            double y = Poly(Pp, z) / Poly(Qq, z);
            if (x < 0.25) return 1 - (x + x * y);
            return 0.5 - (x * y + (x - 0.5));
        }
        if (ax < 1.25)
        {
            double s = ax - 1;
            double pq = Poly(Pa, s) / Poly(Qa, s);
            return x >= 0 ? 1 - Erx - pq : 1 + (Erx + pq);
        }
        if (ax < 28)
        {
            if (x < -6) return 2;
            double tail = Tail(ax);
            return x > 0 ? tail : 2 - tail;
        }
        return x > 0 ? 0 : 2;
    }

    // erfc(ax) for 1.25 ≤ ax < 28: exp(−ax² − 0.5625 + R/S)/ax, with ax² split as z² + (z−ax)(z+ax),
    // z = ax with its low 32 bits cleared, so the large exponent is computed exactly (fdlibm's SET_LOW_WORD).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Tail(double ax)
    {
        double s = 1 / (ax * ax);
        double rs = ax < 1 / 0.35 ? Poly(Ra, s) / Poly(Sa, s) : Poly(Rb, s) / Poly(Sb, s);
        double z = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(ax) & unchecked((long)0xFFFFFFFF00000000UL));
        return Math.Exp(-z * z - 0.5625) * Math.Exp((z - ax) * (z + ax) + rs) / ax;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Poly(double[] c, double x)
    {
        double r = c[^1];
        for (int i = c.Length - 2; i >= 0; i--) r = r * x + c[i];
        return r;
    }

    /// <summary>log(1 + x), accurate for tiny x (Kahan's trick: .NET's <c>double.LogP1</c> is log(1 + x) computed naively).</summary>
    public static double Log1P(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * x / (u - 1);
    }

    // Lanczos coefficients for g = 7, n = 9 (Numerical Recipes 3rd ed. §6.1 uses the same family; these are the
    // widely published values of Godfrey's fit), accurate to about 1e-15 relative for x > 0.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>log Γ(x) for x &gt; 0 (Lanczos approximation; the reflection formula below ½). The generalized simulated annealing visiting distribution needs it.</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0)) throw new ArgumentOutOfRangeException(nameof(x), x, "LogGamma is defined here for x > 0");
        // Γ(x)Γ(1 − x) = π / sin(πx)
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double a = Lanczos[0], t = x + 7.5;
        for (int i = 1; i < Lanczos.Length; i++) a += Lanczos[i] / (x + i);
        return LogSqrt2Pi + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>Standard normal CDF Φ(x), accurate in both tails.</summary>
    public static double NormCdf(double x) => 0.5 * Erfc(-x * 0.70710678118654752440);

    /// <summary>log Φ(x), accurate for very negative x via the asymptotic series (as scipy's <c>log_ndtr</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogNormCdf(double x)
    {
        if (x > 6) return -NormCdf(-x); // log(1 − ε) ≈ −ε
        if (x > -20) return Math.Log(NormCdf(x));
        // log Φ(x) = −x²/2 − log(−x) − log√(2π) + log(1 − 1/x² + 3/x⁴ − 15/x⁶ + …)
        double logLhs = -0.5 * x * x - Math.Log(-x) - LogSqrt2Pi;
        double rhs = 1, last = 0, numerator = 1, denomFactor = 1, denomCons = 1 / (x * x);
        int sign = 1;
        for (int i = 1; Math.Abs(last - rhs) > 2.220446049250313e-16 && i < 200; i++)
        {
            last = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= 2 * i - 1;
            rhs += sign * numerator * denomFactor;
        }
        return logLhs + Math.Log(rhs);
    }

    /// <summary>log(Φ(b) − Φ(a)) for a &lt; b, the log mass of a standard normal on [a, b], stable in both tails (scipy's <c>_log_gauss_mass</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double LogGaussMass(double a, double b)
    {
        if (b <= 0) return LogDiff(LogNormCdf(b), LogNormCdf(a));
        if (a > 0) return LogDiff(LogNormCdf(-a), LogNormCdf(-b));
        // Central case: 1 − Φ(a) − Φ(−b) avoids the cancellation of Φ(b) − Φ(a) near 1.
        return Log1P(-NormCdf(a) - NormCdf(-b));
    }

    private static double LogDiff(double logP, double logQ) =>
        logQ == double.NegativeInfinity ? logP : logP + Log1P(-Math.Exp(logQ - logP));

    /// <summary>
    /// Inverse standard normal CDF Φ⁻¹(p): Acklam's rational approximation (relative error 1.15e-9) refined
    /// by one Halley step on <see cref="Erfc"/>, which brings it to full double precision.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double NormPpf(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        double x;
        const double pLow = 0.02425;
        if (p < pLow)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1);
        }
        else if (p <= 1 - pLow)
        {
            double q = p - 0.5, r = q * q;
            x = (((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q / (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1);
        }
        else
        {
            double q = Math.Sqrt(-2 * Log1P(-p));
            x = -(((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) / ((((D0 * q + D1) * q + D2) * q + D3) * q + 1);
        }
        // Halley refinement: e = Φ(x) − p, computed on the side where it is small to keep precision.
        double e = x < 0 ? 0.5 * Erfc(-x / Math.Sqrt(2)) - p : -(0.5 * Erfc(x / Math.Sqrt(2)) - (1 - p));
        double u = e * Math.Sqrt(2 * Math.PI) * Math.Exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    private const double A0 = -3.969683028665376e+01, A1 = 2.209460984245205e+02, A2 = -2.759285104469687e+02, A3 = 1.383577518672690e+02, A4 = -3.066479806614716e+01, A5 = 2.506628277459239e+00;
    private const double B0 = -5.447609879822406e+01, B1 = 1.615858368580409e+02, B2 = -1.556989798598866e+02, B3 = 6.680131188771972e+01, B4 = -1.328068155288572e+01;
    private const double C0 = -7.784894002430293e-03, C1 = -3.223964580411365e-01, C2 = -2.400758277161838e+00, C3 = -2.549732539343734e+00, C4 = 4.374664141464968e+00, C5 = 2.938163982698783e+00;
    private const double D0 = 7.784695709041462e-03, D1 = 3.224671290700398e-01, D2 = 2.445134137142996e+00, D3 = 3.754408661907416e+00;

    /// <summary>
    /// Draws from a standard normal truncated to [a, b] by inverting the CDF, working on the side of zero
    /// where the tail probabilities keep their precision (as scipy's <c>truncnorm.rvs</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SampleTruncatedStandardNormal(TuningRandom rng, double a, double b)
    {
        if (a > 0) return -SampleTruncatedStandardNormal(rng, -b, -a);
        double u = rng.NextDouble();
        double pa = NormCdf(a), pb = NormCdf(b);
        double x;
        if (pb - pa <= 1e-300)
        {
            // Both bounds deep in the left tail: the density there is ≈ exponential with rate |b| below b.
            x = b + Math.Log(1 - u * (1 - Math.Exp(-Math.Abs(b) * (b - a)))) / Math.Abs(b);
        }
        else
        {
            double p = pa + u * (pb - pa);
            if (p <= 0.5)
            {
                x = NormPpf(p);
            }
            else
            {
                // Upper-tail form: q = 1 − p computed from the upper tails of a and b.
                double qa = NormCdf(-a), qb = NormCdf(-b);
                x = -NormPpf(qb + (1 - u) * (qa - qb));
            }
        }
        return Math.Clamp(x, a, b);
    }
}
