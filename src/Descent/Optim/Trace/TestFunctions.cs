namespace Descent.Optim.Trace;

/// <summary>A named 2-D test function with a sensible start, plot range and known minima.</summary>
/// <param name="Name">Lower-case name.</param>
/// <param name="Formula">The expression text in x and y.</param>
/// <param name="Start">Default θ₀.</param>
/// <param name="Range">Default plot range.</param>
/// <param name="Minima">Global minima (or the saddle point for the saddle).</param>
public sealed record TestFunction(string Name, string Formula, double[] Start, PlotRange Range, double[][] Minima);

/// <summary>Classic optimization test surfaces (Rosenbrock 1960; Beale 1958; Himmelblau 1972; the saddle x² − y²).</summary>
public static class TestFunctions
{
    /// <summary>Every test function by name.</summary>
    public static IReadOnlyList<TestFunction> All { get; } =
    [
        new("rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", [-1.5, 2.0], new PlotRange(-2, 2, -1, 3), [[1, 1]]),
        new("beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", [1.0, 1.5],
            new PlotRange(-4.5, 4.5, -4.5, 4.5), [[3, 0.5]]),
        new("himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [0.0, 0.0], new PlotRange(-5, 5, -5, 5),
            [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]]),
        new("saddle", "x^2 - y^2", [1.5, 0.01], new PlotRange(-2, 2, -2, 2), [[0, 0]]),
    ];

    /// <summary>The test function called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static TestFunction? Find(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}
