namespace Descent.Tuning;

/// <summary>
/// A 2-D benchmark function of x and y, evaluated by <see cref="BenchmarkFunctions"/> (the one definition samplers and
/// gradient methods share), with a standard start, the region a plot shows and the known minima.
/// </summary>
public sealed class BenchmarkSurface : IDifferentiableFunction
{
    private readonly Func<double, double, double> _value;
    private readonly Func<double, double, (double, double)> _gradient;

    internal BenchmarkSurface(string name, string text, Func<double, double, double> value, Func<double, double, (double, double)> gradient,
        double[] start, (double Low, double High) x, (double Low, double High) y, double[][] minima)
    {
        Name = name;
        Text = text;
        _value = value;
        _gradient = gradient;
        Start = start;
        X = x;
        Y = y;
        Minima = minima;
    }

    /// <summary>Lower-case name (rosenbrock, branin, …).</summary>
    public string Name { get; }

    /// <summary>The formula in x and y, as the expression parser reads it (tests check it against the definition).</summary>
    public string Text { get; }

    /// <summary>x and y.</summary>
    public IReadOnlyList<string> Variables { get; } = ["x", "y"];

    /// <summary>The textbook starting point of a trace.</summary>
    public IReadOnlyList<double> Start { get; }

    /// <summary>The x interval a plot shows (the search domain, for the VLSE functions).</summary>
    public (double Low, double High) X { get; }

    /// <summary>The y interval a plot shows.</summary>
    public (double Low, double High) Y { get; }

    /// <summary>The global minima (the stationary point for the saddle).</summary>
    public IReadOnlyList<double[]> Minima { get; }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> point)
    {
        Check(point.Length);
        return _value(point[0], point[1]);
    }

    /// <inheritdoc/>
    public double Gradient(ReadOnlySpan<double> point, Span<double> gradient)
    {
        Check(point.Length);
        if (gradient.Length != 2) throw new ArgumentException($"{Name}: the gradient span has {gradient.Length} elements, not 2", nameof(gradient));
        (gradient[0], gradient[1]) = _gradient(point[0], point[1]);
        return _value(point[0], point[1]);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private void Check(int length)
    {
        if (length != 2) throw new ArgumentException($"{Name} is a function of x and y, got a point with {length} coordinate(s)");
    }
}
