namespace Descent.Tuning;

/// <summary>
/// Standard black-box test functions (Surjanovic &amp; Bingham, Virtual Library of Simulation Experiments,
/// https://www.sfu.ca/~ssurjano/optimization.html) and study objectives built on them, for the sampler tests and
/// <c>descent bench tune</c>. This file holds the functions themselves; the named objectives (parameter names and
/// ranges, shared with bench/compare/tuning.py) are in BenchmarkFunctions.Objectives.cs.
/// </summary>
public static partial class BenchmarkFunctions
{
    /// <summary>Global minimum of <see cref="Branin"/> on [−5, 10] × [0, 15] (reached at three points).</summary>
    public const double BraninMin = 0.397887;

    /// <summary>Global minimum of <see cref="Hartmann6"/> on [0, 1]^6.</summary>
    public const double Hartmann6Min = -3.32237;

    /// <summary>Global minimum of <see cref="SixHumpCamel"/> on [−3, 3] × [−2, 2] (reached at (±0.0898, ∓0.7126)).</summary>
    public const double SixHumpCamelMin = -1.0316;

    /// <summary>
    /// Global minimum of <see cref="StyblinskiTang"/> per dimension, at xᵢ = −2.903534. The VLSE page prints
    /// −39.16599·d; the function's value there is −39.16617·d (the bound in Jamil &amp; Yang 2013 and Wikipedia's list
    /// of test functions for optimization), which is what this constant holds.
    /// </summary>
    public const double StyblinskiTangMinPerDimension = -39.16617;

    /// <summary>Branin–Hoo: (x₂ − b x₁² + c x₁ − 6)² + 10(1 − t) cos x₁ + 10.</summary>
    public static double Branin(double x1, double x2)
    {
        const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return u * u + 10 * (1 - t) * Math.Cos(x1) + 10;
    }

    private static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] A = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] P =
    {
        { 1312, 1696, 5569, 124, 8283, 5886 }, { 2329, 4135, 8307, 3736, 1004, 9991 },
        { 2348, 1451, 3522, 2883, 3047, 6650 }, { 4047, 8828, 8732, 5743, 1091, 381 },
    };

    /// <summary>Hartmann-6: −Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ (xⱼ − Pᵢⱼ)²) on [0, 1]^6.</summary>
    public static double Hartmann6(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != 6) throw new ArgumentException($"Hartmann-6 takes 6 coordinates, got {x.Count}", nameof(x));
        double s = 0;
        for (int i = 0; i < 4; i++)
        {
            double e = 0;
            for (int j = 0; j < 6; j++)
            {
                double d = x[j] - P[i, j] * 1e-4;
                e += A[i, j] * d * d;
            }
            s -= Alpha[i] * Math.Exp(-e);
        }
        return s;
    }

    /// <summary>Rosenbrock: Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²; minimum 0 at (1, …, 1).</summary>
    public static double Rosenbrock(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 0;
        for (int i = 0; i < x.Count - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /// <summary>Sphere: Σ xᵢ²; minimum 0 at the origin.</summary>
    public static double Sphere(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 0;
        for (int i = 0; i < x.Count; i++) s += x[i] * x[i];
        return s;
    }

    /// <summary>
    /// Six-hump camel: (4 − 2.1x₁² + x₁⁴/3)x₁² + x₁x₂ + (−4 + 4x₂²)x₂²; minimum <see cref="SixHumpCamelMin"/> at
    /// (0.0898, −0.7126) and (−0.0898, 0.7126).
    /// </summary>
    public static double SixHumpCamel(double x1, double x2)
    {
        double a = x1 * x1, b = x2 * x2;
        return (4 - 2.1 * a + a * a / 3) * a + x1 * x2 + (-4 + 4 * b) * b;
    }

    /// <summary>
    /// Ackley with the recommended a = 20, b = 0.2, c = 2π:
    /// −a exp(−b √(Σxᵢ²/d)) − exp(Σ cos(c xᵢ)/d) + a + e; minimum 0 at the origin.
    /// </summary>
    public static double Ackley(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0) throw new ArgumentException("Ackley needs at least one coordinate", nameof(x));
        double squares = 0, cosines = 0;
        for (int i = 0; i < x.Count; i++)
        {
            squares += x[i] * x[i];
            cosines += Math.Cos(2 * Math.PI * x[i]);
        }
        return -20 * Math.Exp(-0.2 * Math.Sqrt(squares / x.Count)) - Math.Exp(cosines / x.Count) + 20 + Math.E;
    }

    /// <summary>
    /// Styblinski–Tang: ½ Σ (xᵢ⁴ − 16xᵢ² + 5xᵢ); minimum <see cref="StyblinskiTangMinPerDimension"/>·d at
    /// xᵢ = −2.903534.
    /// </summary>
    public static double StyblinskiTang(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double v = x[i], v2 = v * v;
            s += v2 * v2 - 16 * v2 + 5 * v;
        }
        return 0.5 * s;
    }

    /// <summary>Rastrigin: 10d + Σ (xᵢ² − 10 cos 2πxᵢ); minimum 0 at the origin.</summary>
    public static double Rastrigin(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 10.0 * x.Count;
        for (int i = 0; i < x.Count; i++) s += x[i] * x[i] - 10 * Math.Cos(2 * Math.PI * x[i]);
        return s;
    }

    /// <summary>
    /// Levy: with wᵢ = 1 + (xᵢ − 1)/4, sin²(πw₁) + Σᵢ₌₁^{d−1} (wᵢ − 1)²[1 + 10 sin²(πwᵢ + 1)] + (w_d − 1)²[1 + sin²(2πw_d)];
    /// minimum 0 at (1, …, 1).
    /// </summary>
    public static double Levy(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0) throw new ArgumentException("Levy needs at least one coordinate", nameof(x));
        double first = Math.Sin(Math.PI * (1 + (x[0] - 1) / 4));
        double s = first * first;
        for (int i = 0; i < x.Count - 1; i++)
        {
            double w = 1 + (x[i] - 1) / 4, sin = Math.Sin(Math.PI * w + 1);
            s += (w - 1) * (w - 1) * (1 + 10 * sin * sin);
        }
        double wd = 1 + (x[^1] - 1) / 4, sinD = Math.Sin(2 * Math.PI * wd);
        return s + (wd - 1) * (wd - 1) * (1 + sinD * sinD);
    }

    /// <summary>Griewank: Σ xᵢ²/4000 − Π cos(xᵢ/√i) + 1 (i from 1); minimum 0 at the origin.</summary>
    public static double Griewank(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 0, p = 1;
        for (int i = 0; i < x.Count; i++)
        {
            s += x[i] * x[i];
            p *= Math.Cos(x[i] / Math.Sqrt(i + 1));
        }
        return s / 4000 - p + 1;
    }

    /// <summary>
    /// Schwefel (the VLSE's form, 418.9829·d − Σ xᵢ sin √|xᵢ| on [−500, 500]^d): minimum 0 (to 4·10⁻⁵ per coordinate, the
    /// constant's precision) at xᵢ = 420.9687, far from the second-best minima: a deceptive function.
    /// </summary>
    public static double Schwefel(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        double s = 418.9828872724339 * x.Count;
        for (int i = 0; i < x.Count; i++) s -= x[i] * Math.Sin(Math.Sqrt(Math.Abs(x[i])));
        return s;
    }

    /// <summary>Beale: (1.5 − x₁ + x₁x₂)² + (2.25 − x₁ + x₁x₂²)² + (2.625 − x₁ + x₁x₂³)²; minimum 0 at (3, 0.5).</summary>
    public static double Beale(double x1, double x2)
    {
        double a = 1.5 - x1 + x1 * x2, b = 2.25 - x1 + x1 * x2 * x2, c = 2.625 - x1 + x1 * x2 * x2 * x2;
        return a * a + b * b + c * c;
    }

    /// <summary>
    /// Himmelblau (1972): (x₁² + x₂ − 11)² + (x₁ + x₂² − 7)²; minimum 0 at (3, 2), (−2.805118, 3.131312),
    /// (−3.779310, −3.283186) and (3.584428, −1.848126).
    /// </summary>
    public static double Himmelblau(double x1, double x2)
    {
        double a = x1 * x1 + x2 - 11, b = x1 + x2 * x2 - 7;
        return a * a + b * b;
    }

    /// <summary>The saddle x₁² − x₂²: a stationary point at the origin that is not a minimum (unbounded below).</summary>
    public static double Saddle(double x1, double x2) => x1 * x1 - x2 * x2;

    /// <summary>
    /// A smooth stand-in for a learning-rate / width / dropout response: (log₁₀ lr + 2.5)² + (log₂ h − 7.3)²/4 +
    /// 3(dr − 0.2)² + 0.3 sin(5 log₁₀ lr). Not from the VLSE; it exercises log-scaled float and int ranges.
    /// </summary>
    public static double LogMix(double learningRate, int hidden, double dropout)
    {
        double l = Math.Log10(learningRate), h = Math.Log2(hidden) - 7.3, d = dropout - 0.2;
        return (l + 2.5) * (l + 2.5) + h * h / 4 + 3 * d * d + 0.3 * Math.Sin(5 * l);
    }

    /// <summary>
    /// A hyperparameter-search-like response over a mixed space: (log₁₀ lr + 3)² + 4|drop − 0.25| + |layers − 5| +
    /// |log₂ width − 6| + (optimizer is "adam" ? 0 : 3) + (batchNorm ? 0 : 2); minimum 0 at lr = 10⁻³, drop = 0.25,
    /// 5 layers, width 64, adam, batch norm. Not from the VLSE; it exercises stepped, log-int and categorical ranges.
    /// </summary>
    public static double Mixed(double learningRate, double dropout, int layers, int width, string optimizer, bool batchNorm)
    {
        double l = Math.Log10(learningRate) + 3;
        return l * l + 4 * Math.Abs(dropout - 0.25) + Math.Abs(layers - 5) + Math.Abs(Math.Log2(width) - 6)
            + (optimizer == "adam" ? 0 : 3) + (batchNorm ? 0 : 2);
    }
}
