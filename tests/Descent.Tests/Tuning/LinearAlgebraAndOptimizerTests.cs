using Descent.Tuning;

namespace Descent.Tests.Tuning;

public class LinearAlgebraAndOptimizerTests
{
    private static double[] RandomSpd(int n, long seed)
    {
        var rng = new TuningRandom(seed);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextGaussian();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
                a[i * n + j] = s;
            }
        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    public void CholeskyInverseAndSolvesReconstructTheMatrix(int n)
    {
        var a = RandomSpd(n, n);
        var l = new double[n * n];
        Assert.True(DenseLinearAlgebra.TryCholesky(a, n, l));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
                Assert.Equal(a[i * n + j], s, 1e-9 * n);
                if (j > i) Assert.Equal(0, l[i * n + j]);
            }
        var t = new double[n * n];
        var inv = new double[n * n];
        DenseLinearAlgebra.InvertLowerTransposed(l, n, t);
        DenseLinearAlgebra.InverseFromFactor(t, n, inv);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
                Assert.Equal(i == j ? 1 : 0, s, 1e-10);
            }
        var b = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray();
        var x = (double[])b.Clone();
        DenseLinearAlgebra.SolveLower(l, n, x);
        DenseLinearAlgebra.SolveLowerTransposed(l, n, x);
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += a[i * n + k] * x[k];
            Assert.Equal(b[i], s, 1e-10);
        }
    }

    [Fact]
    public void CholeskyRejectsIndefiniteMatricesAndJitterRescuesSemidefiniteOnes()
    {
        double[] indefinite = [1, 2, 2, 1];
        Assert.False(DenseLinearAlgebra.TryCholesky(indefinite, 2, new double[4]));
        double[] singular = [1, 1, 1, 1]; // rank one: PSD, not PD
        var l = new double[4];
        double jitter = DenseLinearAlgebra.CholeskyWithJitter(singular, 2, l);
        Assert.InRange(jitter, 1e-11, 1e-2);
        Assert.True(double.IsNaN(DenseLinearAlgebra.CholeskyWithJitter(new double[] { 1, 5, 5, 1 }, 2, l)));
    }

    [Fact]
    public void JacobiEigenDecompositionReconstructsTheMatrix()
    {
        const int n = 6;
        var a = RandomSpd(n, 3);
        var values = new double[n];
        var vectors = new double[n * n];
        DenseLinearAlgebra.SymmetricEigen(a, n, values, vectors);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, o = 0;
                for (int k = 0; k < n; k++)
                {
                    s += vectors[i * n + k] * values[k] * vectors[j * n + k];
                    o += vectors[k * n + i] * vectors[k * n + j];
                }
                Assert.Equal(a[i * n + j], s, 1e-9);
                Assert.Equal(i == j ? 1 : 0, o, 1e-12);
            }
        // 2×2 by hand: [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        var v2 = new double[2];
        DenseLinearAlgebra.SymmetricEigen(new double[] { 2, 1, 1, 2 }, 2, v2, new double[4]);
        Assert.Equal([1.0, 3.0], v2.Order().Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void LbfgsMinimizesRosenbrockAndRespectsBounds()
    {
        static double Rosen(ReadOnlySpan<double> x, Span<double> g)
        {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }
        var x = new double[] { -1.2, 1 };
        var free = BoxLbfgs.Minimize(Rosen, x, [-10, -10], [10, 10], maxIterations: 500, gtol: 1e-8);
        Assert.True(free.Value < 1e-10, $"f = {free.Value} after {free.Iterations} iterations");
        Assert.Equal(1, x[0], 1e-4);
        // With x0 ≤ 0.5 the constrained optimum is on the bound: x = (0.5, 0.25).
        x = [-1.2, 1];
        BoxLbfgs.Minimize(Rosen, x, [-10, -10], [0.5, 10], maxIterations: 500, gtol: 1e-8);
        Assert.Equal(0.5, x[0], 1e-6);
        Assert.Equal(0.25, x[1], 1e-4);
    }
}
