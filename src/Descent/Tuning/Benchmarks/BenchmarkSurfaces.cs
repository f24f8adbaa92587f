namespace Descent.Tuning;

/// <summary>
/// The 2-D <see cref="BenchmarkFunctions"/> as <see cref="BenchmarkSurface"/>s: the classic optimizer test surfaces
/// (Rosenbrock 1960; Beale 1958; Himmelblau 1972; the saddle x² − y²) and the sampler benchmarks in two dimensions
/// (Surjanovic &amp; Bingham's VLSE domains).
/// </summary>
public static class BenchmarkSurfaces
{
    private delegate void SpanGradient(ReadOnlySpan<double> x, Span<double> gradient);

    // An n-dimensional gradient at (x, y).
    private static Func<double, double, (double, double)> At(SpanGradient gradient) => (x, y) =>
    {
        Span<double> g = stackalloc double[2];
        gradient([x, y], g);
        return (g[0], g[1]);
    };

    /// <summary>Every surface, by name.</summary>
    public static IReadOnlyList<BenchmarkSurface> All { get; } =
    [
        new("rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", (x, y) => BenchmarkFunctions.Rosenbrock([x, y]),
            At(BenchmarkFunctions.RosenbrockGradient),
            [-1.5, 2.0], (-2, 2), (-1, 3), [[1, 1]]),
        new("beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", BenchmarkFunctions.Beale,
            BenchmarkFunctions.BealeGradient, [1.0, 1.5], (-4.5, 4.5), (-4.5, 4.5), [[3, 0.5]]),
        new("himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", BenchmarkFunctions.Himmelblau, BenchmarkFunctions.HimmelblauGradient,
            [0.0, 0.0], (-5, 5), (-5, 5), [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]),
        new("saddle", "x^2 - y^2", BenchmarkFunctions.Saddle, BenchmarkFunctions.SaddleGradient, [1.5, 0.01], (-2, 2), (-2, 2), [[0, 0]]),
        new("branin", "(y - 5.1/(4*pi^2)*x^2 + 5/pi*x - 6)^2 + 10*(1 - 1/(8*pi))*cos(x) + 10", BenchmarkFunctions.Branin,
            BenchmarkFunctions.BraninGradient, [0.0, 14.0], (-5, 10), (0, 15), [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]),
        new("camel", "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2", BenchmarkFunctions.SixHumpCamel,
            BenchmarkFunctions.SixHumpCamelGradient, [-1.5, 1.0], (-3, 3), (-2, 2), [[0.0898, -0.7126], [-0.0898, 0.7126]]),
        new("sphere", "x^2 + y^2", (x, y) => BenchmarkFunctions.Sphere([x, y]),
            At(BenchmarkFunctions.SphereGradient),
            [3.0, -4.0], (-5, 5), (-5, 5), [[0, 0]]),
        new("rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (x, y) => BenchmarkFunctions.Rastrigin([x, y]),
            At(BenchmarkFunctions.RastriginGradient),
            [2.2, -3.4], (-5.12, 5.12), (-5.12, 5.12), [[0, 0]]),
        new("ackley", "-20*exp(-0.2*sqrt((x^2 + y^2)/2)) - exp((cos(2*pi*x) + cos(2*pi*y))/2) + 20 + e",
            (x, y) => BenchmarkFunctions.Ackley([x, y]),
            At(BenchmarkFunctions.AckleyGradient),
            [2.5, -3.0], (-5, 5), (-5, 5), [[0, 0]]),
        new("styblinski", "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)", (x, y) => BenchmarkFunctions.StyblinskiTang([x, y]),
            At(BenchmarkFunctions.StyblinskiTangGradient),
            [0.5, 4.0], (-5, 5), (-5, 5), [[-2.903534, -2.903534]]),
    ];

    /// <summary>The names, in <see cref="All"/>'s order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];

    /// <summary>The surface called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static BenchmarkSurface? Find(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
