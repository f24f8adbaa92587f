namespace Descent.Tuning;

/// <summary>
/// A scalar function of named variables with its exact gradient: the 2-D <see cref="BenchmarkSurfaces"/> and the parsed
/// expressions of <c>descent trace</c>, so gradient methods and samplers can be run on the same definitions.
/// </summary>
public interface IDifferentiableFunction
{
    /// <summary>The function as a formula in <see cref="Variables"/> (for titles and tables).</summary>
    string Text { get; }

    /// <summary>The variables, in coordinate order.</summary>
    IReadOnlyList<string> Variables { get; }

    /// <summary>f at <paramref name="point"/> (one value per variable).</summary>
    double Evaluate(ReadOnlySpan<double> point);

    /// <summary>Writes ∇f at <paramref name="point"/> into <paramref name="gradient"/> and returns f there.</summary>
    double Gradient(ReadOnlySpan<double> point, Span<double> gradient);
}
