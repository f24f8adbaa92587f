using System.Globalization;
using System.Text.Json;
using Descent.Tensors;

namespace Descent.Tests.Fixtures;

/// <summary>
/// |actual − expected| ≤ Abs + Rel·|expected| (tests/fixtures/README.md): Float64 single ops (1e-10, 1e-8), Float64
/// multi-step trajectories (1e-9, 1e-7), Float32 anything (1e-5, 1e-4).
/// </summary>
public readonly record struct Tolerance(double Abs, double Rel)
{
    /// <summary>Float64, one op.</summary>
    public static Tolerance SingleOp => new(1e-10, 1e-8);

    /// <summary>Float64, optimizer/scheduler/training trajectories.</summary>
    public static Tolerance Trajectory => new(1e-9, 1e-7);

    /// <summary>Float32 against the Float64 reference.</summary>
    public static Tolerance Float32 => new(1e-5, 1e-4);

    /// <summary>The tolerance for <paramref name="dtype"/>: <paramref name="float64"/> or <see cref="Float32"/>.</summary>
    public static Tolerance For(DType dtype, Tolerance float64) => dtype == DType.Float32 ? Float32 : float64;

    /// <summary>True when <paramref name="actual"/> is within tolerance of <paramref name="expected"/>.</summary>
    public bool Accepts(double actual, double expected) =>
        Math.Abs(actual - expected) <= Abs + Rel * Math.Abs(expected) || actual.Equals(expected);

    /// <summary>Asserts one number, naming <paramref name="what"/>.</summary>
    public void AssertClose(double actual, double expected, string what)
    {
        if (!Accepts(actual, expected))
            Assert.Fail($"{what}: got {actual.ToString("R", CultureInfo.InvariantCulture)}, expected {expected.ToString("R", CultureInfo.InvariantCulture)} " +
                        $"(|diff| {Math.Abs(actual - expected):E3} > {Abs:E0} + {Rel:E0}·|expected|).");
    }

    /// <summary>Asserts shape and every element of <paramref name="actual"/> against a fixture tensor object.</summary>
    public void AssertClose(Tensor actual, JsonElement expected, string what)
    {
        var shape = FixtureJson.Shape(expected);
        Assert.True(actual.Shape == new Shape(shape), $"{what}: shape {actual.Shape}, expected {new Shape(shape)}.");
        AssertClose(actual.ToDoubleArray(), FixtureJson.Data(expected), what);
    }

    /// <summary>Asserts every element, naming the first mismatch.</summary>
    public void AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, string what)
    {
        Assert.True(actual.Length == expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        for (int i = 0; i < actual.Length; i++)
            AssertClose(actual[i], expected[i], $"{what}[{i}]");
    }
}
