namespace Descent.Tuning;

/// <summary>
/// Analytic gradients of the differentiable <see cref="BenchmarkFunctions"/>, for gradient methods on the same
/// definitions the samplers are benchmarked on (<c>descent trace</c>); each is checked against central finite differences
/// in float64.
/// </summary>
public static partial class BenchmarkFunctions
{
    /// <summary>Writes ∇ of <see cref="Rosenbrock"/> at <paramref name="x"/> into <paramref name="gradient"/>.</summary>
    public static void RosenbrockGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLengths(x, gradient);
        gradient.Clear();
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
            gradient[i] += -400 * x[i] * a - 2 * b;
            gradient[i + 1] += 200 * a;
        }
    }

    /// <summary>Writes ∇ of <see cref="Sphere"/>, 2x, into <paramref name="gradient"/>.</summary>
    public static void SphereGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLengths(x, gradient);
        for (int i = 0; i < x.Length; i++) gradient[i] = 2 * x[i];
    }

    /// <summary>Writes ∇ of <see cref="Rastrigin"/>, 2xᵢ + 20π sin 2πxᵢ, into <paramref name="gradient"/>.</summary>
    public static void RastriginGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLengths(x, gradient);
        for (int i = 0; i < x.Length; i++) gradient[i] = 2 * x[i] + 20 * Math.PI * Math.Sin(2 * Math.PI * x[i]);
    }

    /// <summary>Writes ∇ of <see cref="StyblinskiTang"/>, 2xᵢ³ − 16xᵢ + 2.5, into <paramref name="gradient"/>.</summary>
    public static void StyblinskiTangGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLengths(x, gradient);
        for (int i = 0; i < x.Length; i++) gradient[i] = 2 * x[i] * x[i] * x[i] - 16 * x[i] + 2.5;
    }

    /// <summary>
    /// Writes ∇ of <see cref="Ackley"/> into <paramref name="gradient"/>. The cone −a·exp(−b·r), r = √(Σxᵢ²/d), has no gradient at the origin; 0 is used there
    /// (a subgradient, and the global minimum).
    /// </summary>
    public static void AckleyGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        CheckLengths(x, gradient);
        if (x.Length == 0) throw new ArgumentException("Ackley needs at least one coordinate", nameof(x));
        int d = x.Length;
        double squares = 0, cosines = 0;
        for (int i = 0; i < d; i++)
        {
            squares += x[i] * x[i];
            cosines += Math.Cos(2 * Math.PI * x[i]);
        }
        double r = Math.Sqrt(squares / d), cone = Math.Exp(-0.2 * r), wave = Math.Exp(cosines / d);
        for (int i = 0; i < d; i++)
            gradient[i] = (r > 0 ? 4 * cone * x[i] / (d * r) : 0) + 2 * Math.PI / d * wave * Math.Sin(2 * Math.PI * x[i]);
    }

    /// <summary>∇ of <see cref="Branin"/> as (∂/∂x₁, ∂/∂x₂).</summary>
    public static (double D1, double D2) BraninGradient(double x1, double x2)
    {
        const double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return (2 * u * (c - 2 * b * x1) - 10 * (1 - t) * Math.Sin(x1), 2 * u);
    }

    /// <summary>∇ of <see cref="SixHumpCamel"/>: (8x₁ − 8.4x₁³ + 2x₁⁵ + x₂, x₁ − 8x₂ + 16x₂³).</summary>
    public static (double D1, double D2) SixHumpCamelGradient(double x1, double x2)
    {
        double a = x1 * x1;
        return (8 * x1 - 8.4 * a * x1 + 2 * a * a * x1 + x2, x1 - 8 * x2 + 16 * x2 * x2 * x2);
    }

    /// <summary>∇ of <see cref="Beale"/>.</summary>
    public static (double D1, double D2) BealeGradient(double x1, double x2)
    {
        double y2 = x2 * x2, y3 = y2 * x2;
        double a = 1.5 - x1 + x1 * x2, b = 2.25 - x1 + x1 * y2, c = 2.625 - x1 + x1 * y3;
        return (2 * (a * (x2 - 1) + b * (y2 - 1) + c * (y3 - 1)), 2 * x1 * (a + 2 * b * x2 + 3 * c * y2));
    }

    /// <summary>∇ of <see cref="Himmelblau"/>: (4x₁a + 2b, 2a + 4x₂b) with a = x₁² + x₂ − 11, b = x₁ + x₂² − 7.</summary>
    public static (double D1, double D2) HimmelblauGradient(double x1, double x2)
    {
        double a = x1 * x1 + x2 - 11, b = x1 + x2 * x2 - 7;
        return (4 * x1 * a + 2 * b, 2 * a + 4 * x2 * b);
    }

    /// <summary>∇ of <see cref="Saddle"/>: (2x₁, −2x₂).</summary>
    public static (double D1, double D2) SaddleGradient(double x1, double x2) => (2 * x1, -2 * x2);

    private static void CheckLengths(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (gradient.Length != x.Length)
            throw new ArgumentException($"the gradient span has {gradient.Length} elements for a point of {x.Length}", nameof(gradient));
    }
}
