using Descent.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>
/// The analytic gradients of <see cref="BenchmarkFunctions"/> against float64 central differences, and the
/// <see cref="BenchmarkSurfaces"/> built on them (known minima, stationary gradients there).
/// </summary>
public class BenchmarkGradientTests
{
    private delegate void SpanGradient(ReadOnlySpan<double> x, Span<double> gradient);

    public static TheoryData<string> Surfaces => [.. BenchmarkSurfaces.Names];

    private static void AssertMatchesCentralDifferences(Func<double[], double> f, SpanGradient gradient, int dimensions, double low, double high, int seed)
    {
        var rng = new Random(seed);
        for (int k = 0; k < 25; k++)
        {
            var x = new double[dimensions];
            for (int i = 0; i < dimensions; i++) x[i] = low + (high - low) * rng.NextDouble();
            var g = new double[dimensions];
            gradient(x, g);
            for (int i = 0; i < dimensions; i++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(x[i]));
                var up = (double[])x.Clone();
                var down = (double[])x.Clone();
                up[i] += h;
                down[i] -= h;
                double fd = (f(up) - f(down)) / (2 * h);
                Assert.True(Math.Abs(fd - g[i]) <= 1e-5 * Math.Max(1, Math.Abs(g[i])), $"∂{i} at [{string.Join(", ", x)}]: analytic {g[i]}, differences {fd}");
            }
        }
    }

    [Fact]
    public void NDimensionalGradientsMatchCentralDifferences()
    {
        AssertMatchesCentralDifferences(x => BenchmarkFunctions.Rosenbrock(x), BenchmarkFunctions.RosenbrockGradient, 5, -2, 2, 1);
        AssertMatchesCentralDifferences(x => BenchmarkFunctions.Sphere(x), BenchmarkFunctions.SphereGradient, 4, -5, 5, 2);
        AssertMatchesCentralDifferences(x => BenchmarkFunctions.Rastrigin(x), BenchmarkFunctions.RastriginGradient, 3, -5.12, 5.12, 3);
        AssertMatchesCentralDifferences(x => BenchmarkFunctions.StyblinskiTang(x), BenchmarkFunctions.StyblinskiTangGradient, 3, -5, 5, 4);
        AssertMatchesCentralDifferences(x => BenchmarkFunctions.Ackley(x), BenchmarkFunctions.AckleyGradient, 3, -5, 5, 5);
        // Ackley's cone has no gradient at the origin; the subgradient 0 is used (the global minimum).
        var g = new double[3];
        BenchmarkFunctions.AckleyGradient([0.0, 0.0, 0.0], g);
        Assert.Equal([0.0, 0.0, 0.0], g);
        Assert.Throws<ArgumentException>(() => BenchmarkFunctions.SphereGradient([1.0, 2.0], new double[3]));
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public void SurfaceGradientsMatchCentralDifferencesAndVanishAtTheMinima(string name)
    {
        var s = BenchmarkSurfaces.Find(name)!;
        AssertMatchesCentralDifferences(x => s.Evaluate(x), (x, g) => s.Gradient(x, g), 2, Math.Max(s.X.Low, s.Y.Low), Math.Min(s.X.High, s.Y.High), name.Length);
        Assert.Equal(2, s.Start.Count);
        foreach (var m in s.Minima)
        {
            var g = new double[2];
            double v = s.Gradient(m, g);
            // Minima are tabulated to 4–7 digits: the gradient there is small, not exactly 0.
            Assert.True(Math.Abs(g[0]) < 2e-3 && Math.Abs(g[1]) < 2e-3, $"{name}: ∇f({m[0]}, {m[1]}) = ({g[0]}, {g[1]})");
            Assert.True(double.IsFinite(v));
            Assert.InRange(m[0], s.X.Low, s.X.High);
            Assert.InRange(m[1], s.Y.Low, s.Y.High);
        }
    }

    [Fact]
    public void NewFunctionsReachTheirKnownMinima()
    {
        Assert.Equal(0.0, BenchmarkFunctions.Beale(3, 0.5));
        Assert.Equal(0.0, BenchmarkFunctions.Himmelblau(3, 2));
        Assert.Equal(0.0, BenchmarkFunctions.Himmelblau(-2.805118, 3.131312), 9);
        Assert.Equal(0.0, BenchmarkFunctions.Himmelblau(-3.779310, -3.283186), 9);
        Assert.Equal(0.0, BenchmarkFunctions.Himmelblau(3.584428, -1.848126), 9);
        Assert.Equal(14.203125, BenchmarkFunctions.Beale(0, 0));   // 1.5² + 2.25² + 2.625²
        Assert.Equal(-3.0, BenchmarkFunctions.Saddle(1, 2));
        Assert.Null(BenchmarkSurfaces.Find("griewank"));
        Assert.Same(BenchmarkSurfaces.Find("rosenbrock"), BenchmarkSurfaces.Find("ROSENBROCK"));
    }
}
