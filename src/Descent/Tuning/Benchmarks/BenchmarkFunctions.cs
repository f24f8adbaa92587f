namespace Descent.Tuning;

/// <summary>
/// Standard black-box test functions (Surjanovic &amp; Bingham, Virtual Library of Simulation Experiments) and
/// study objectives built on them, for the sampler tests and <c>descent bench tune</c>. Parameters are named
/// <c>x0</c>, <c>x1</c>, … in every objective (bench/compare/tuning.py uses the same names and ranges).
/// </summary>
public static class BenchmarkFunctions
{
    /// <summary>Global minimum of <see cref="Branin"/> on [−5, 10] × [0, 15] (reached at three points).</summary>
    public const double BraninMin = 0.397887;

    /// <summary>Global minimum of <see cref="Hartmann6"/> on [0, 1]^6.</summary>
    public const double Hartmann6Min = -3.32237;

    /// <summary>The names accepted by <see cref="Objective"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sphere", "branin", "hartmann6", "rosenbrock10"];

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

    /// <summary>Branin over x0 ∈ [−5, 10], x1 ∈ [0, 15].</summary>
    public static double BraninObjective(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Branin(trial.SuggestFloat("x0", -5, 10), trial.SuggestFloat("x1", 0, 15));
    }

    /// <summary>Hartmann-6 over x0…x5 ∈ [0, 1].</summary>
    public static double Hartmann6Objective(Trial trial) => Hartmann6(SuggestBox(trial, 6, 0, 1));

    /// <summary>10-D Rosenbrock over x0…x9 ∈ [−5, 10].</summary>
    public static double Rosenbrock10Objective(Trial trial) => Rosenbrock(SuggestBox(trial, 10, -5, 10));

    /// <summary>The objective called <paramref name="name"/> (see <see cref="Names"/>); <paramref name="dimensions"/> sizes the sphere (x ∈ [−5, 5]^D).</summary>
    /// <exception cref="ArgumentException">Unknown name, or a sphere of fewer than one dimension.</exception>
    public static Func<Trial, double> Objective(string name, int dimensions = 5) => name switch
    {
        "sphere" => dimensions >= 1 ? t => Sphere(SuggestBox(t, dimensions, -5, 5))
            : throw new ArgumentException($"a sphere needs at least one dimension, got {dimensions}", nameof(dimensions)),
        "branin" => BraninObjective,
        "hartmann6" => Hartmann6Objective,
        "rosenbrock10" => Rosenbrock10Objective,
        _ => throw new ArgumentException($"unknown benchmark objective '{name}' ({string.Join(", ", Names)})", nameof(name)),
    };

    private static double[] SuggestBox(Trial trial, int dimensions, double low, double high)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var x = new double[dimensions];
        for (int i = 0; i < dimensions; i++) x[i] = trial.SuggestFloat(ParamName(i), low, high);
        return x;
    }

    // Cached names: the overhead benchmark should not time string concatenation.
    private static readonly string[] ParamNames = [.. Enumerable.Range(0, 64).Select(i => "x" + i)];

    private static string ParamName(int i) => i < ParamNames.Length ? ParamNames[i] : "x" + i;
}
