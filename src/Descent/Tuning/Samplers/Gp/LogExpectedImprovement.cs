namespace Descent.Tuning;

/// <summary>
/// log EI for maximization: log E[max(0, Y − f₀)] with Y ~ N(μ, σ²) equals log σ + log h(z),
/// z = (μ − f₀)/σ, h(z) = φ(z) + z·Φ(z) (Jones et al. 1998). Computed without underflow for any z, as
/// Ament et al., "Unexpected Improvements to Expected Improvement for Bayesian Optimization" (NeurIPS 2023)
/// recommend: directly for z ≥ −10 (cancellation costs at most two digits there), and for z &lt; −10 as
/// log φ(z) + log(1/z² − 3/z⁴ + 15/z⁶ − …), the asymptotic series of 1 + z·Φ(z)/φ(z) (Abramowitz &amp;
/// Stegun 26.2.12), whose terms shrink until k ≈ z²/2, far past double precision at |z| ≥ 10.
/// </summary>
internal static class LogExpectedImprovement
{
    /// <summary>log h(z) = log(φ(z) + zΦ(z)).</summary>
    public static double LogH(double z)
    {
        if (z >= -10)
        {
            double pdf = Math.Exp(-0.5 * z * z - SpecialFunctions.LogSqrt2Pi);
            return Math.Log(pdf + z * SpecialFunctions.NormCdf(z));
        }
        double inv = 1 / (z * z), term = inv, sum = inv;
        for (int k = 2; k < 60; k++)
        {
            double next = -term * (2 * k - 1) * inv;
            if (Math.Abs(next) >= Math.Abs(term) || Math.Abs(next) < 1e-17 * Math.Abs(sum)) break;
            term = next;
            sum += term;
        }
        return -0.5 * z * z - SpecialFunctions.LogSqrt2Pi + Math.Log(sum);
    }

    /// <summary>d log h / dz = Φ(z)/h(z), evaluated through log Φ (<see cref="SpecialFunctions.LogNormCdf"/>) so it stays finite for very negative z (where it tends to −z).</summary>
    public static double LogHDerivative(double z, double logH) => Math.Exp(SpecialFunctions.LogNormCdf(z) - logH);

    /// <summary>log EI at posterior mean <paramref name="mean"/> and variance <paramref name="variance"/> against the incumbent <paramref name="f0"/>.</summary>
    public static double Value(double mean, double variance, double f0)
    {
        double sigma = Math.Sqrt(variance);
        return Math.Log(sigma) + LogH((mean - f0) / sigma);
    }

    /// <summary>log EI and its partial derivatives with respect to the mean and the variance.</summary>
    public static double ValueWithGradient(double mean, double variance, double f0, out double dMean, out double dVariance)
    {
        double sigma = Math.Sqrt(variance);
        double z = (mean - f0) / sigma;
        double logH = LogH(z);
        double dz = LogHDerivative(z, logH);
        dMean = dz / sigma;
        // d/dvar [log σ + log h(z)] = 1/(2var) + h'/h · (−z/(2var)).
        dVariance = (1 - dz * z) / (2 * variance);
        return Math.Log(sigma) + logH;
    }
}
