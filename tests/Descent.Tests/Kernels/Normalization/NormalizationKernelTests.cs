using Descent.Kernels;
using Descent.Kernels.Normalization;
using static Descent.Tests.Kernels.KernelTestSupport;

namespace Descent.Tests.Kernels.Normalization;

/// <summary>
/// Batch and layer normalization kernels on every SIMD path and odd sizes against a naive float64 reference
/// written from the definitions (mean, biased variance, x̂, and the analytic backward), with data whose mean is
/// far from zero so cancellation in the shifted sums would show.
/// </summary>
[Trait("Category", "Kernels")]
[Collection("KernelConfig")]
public class NormalizationKernelTests
{
    private static double[] Data(Random rng, int n, double offset, double scale)
    {
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = offset + scale * (rng.NextDouble() * 2 - 1);
        return d;
    }

    private static void Near(double expected, double actual, double rel, string what)
    {
        if (!(Math.Abs(expected - actual) <= rel * (1 + Math.Abs(expected))))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData(3, 2, 1)]
    [InlineData(2, 3, 17)]
    [InlineData(4, 1, 33)]
    [InlineData(5, 4, 130)]
    [InlineData(40, 37, 1)]
    [InlineData(70, 130, 1)]
    public void BatchNormMatchesTheDefinition(int n, int c, int s)
    {
        var rng = new Random(n * 1000 + c * 10 + s);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            foreach (bool isFloat in new[] { false, true })
            {
                var x = Data(rng, n * c * s, 5, 0.5);
                var g = Data(rng, n * c * s, 0, 1);
                var w = Data(rng, c, 1, 0.5);
                var b = Data(rng, c, 0, 1);
                if (isFloat) { Round(x); Round(g); Round(w); Round(b); }
                double tol = isFloat ? 2e-5 : 1e-12;
                var mean = new double[c];
                var v = new double[c];
                Run(isFloat, x, g, w, b, n, c, s, mean, v, out var y, out var dx, out var dw, out var db);
                for (int ch = 0; ch < c; ch++)
                {
                    var vals = Enumerable.Range(0, n).SelectMany(i => Enumerable.Range(0, s).Select(k => (i * c + ch) * s + k)).ToArray();
                    double m = vals.Average(i => x[i]);
                    double var = vals.Average(i => (x[i] - m) * (x[i] - m));
                    double inv = 1 / Math.Sqrt(var + 1e-5);
                    Near(m, mean[ch], tol, $"mean[{ch}] {level} f32={isFloat}");
                    Near(var, v[ch], tol, $"var[{ch}] {level} f32={isFloat}");
                    double mg = vals.Average(i => g[i]);
                    double mgx = vals.Average(i => g[i] * (x[i] - m) * inv);
                    Near(vals.Sum(i => g[i]), db[ch], tol * vals.Length, $"dbias[{ch}]");
                    Near(vals.Sum(i => g[i] * (x[i] - m) * inv), dw[ch], tol * vals.Length, $"dweight[{ch}]");
                    foreach (int i in vals)
                    {
                        double xhat = (x[i] - m) * inv;
                        Near(xhat * w[ch] + b[ch], y[i], tol * 10, $"y[{i}] {level} f32={isFloat}");
                        Near(w[ch] * inv * (g[i] - mg - xhat * mgx), dx[i], tol * 10, $"dx[{i}] {level} f32={isFloat}");
                    }
                }
            }
        }
    }

    private static void Round(double[] a)
    {
        for (int i = 0; i < a.Length; i++) a[i] = (float)a[i];
    }

    private static void Run(bool isFloat, double[] x, double[] g, double[] w, double[] b, int n, int c, int s,
        double[] mean, double[] variance, out double[] y, out double[] dx, out double[] dw, out double[] db)
    {
        var inv = new double[c];
        if (isFloat)
        {
            var xf = ToFloat(x);
            var yf = new float[x.Length];
            var dxf = new float[x.Length];
            var dwf = new float[c];
            var dbf = new float[c];
            BatchNormKernels.Statistics(xf, 0, n, c, s, mean, 0, variance, 0);
            for (int ch = 0; ch < c; ch++) inv[ch] = 1 / Math.Sqrt(variance[ch] + 1e-5);
            BatchNormKernels.Normalize(xf, 0, yf, 0, n, c, s, mean, 0, inv, 0, ToFloat(w), 0, ToFloat(b), 0);
            BatchNormKernels.Backward(xf, 0, ToFloat(g), 0, dxf, 0, n, c, s, mean, 0, inv, 0, ToFloat(w), 0, dwf, 0, dbf, 0, batchStats: true);
            (y, dx, dw, db) = (D(yf), D(dxf), D(dwf), D(dbf));
        }
        else
        {
            y = new double[x.Length];
            dx = new double[x.Length];
            dw = new double[c];
            db = new double[c];
            BatchNormKernels.Statistics(x, 0, n, c, s, mean, 0, variance, 0);
            for (int ch = 0; ch < c; ch++) inv[ch] = 1 / Math.Sqrt(variance[ch] + 1e-5);
            BatchNormKernels.Normalize(x, 0, y, 0, n, c, s, mean, 0, inv, 0, w, 0, b, 0);
            BatchNormKernels.Backward(x, 0, g, 0, dx, 0, n, c, s, mean, 0, inv, 0, w, 0, dw, 0, db, 0, batchStats: true);
        }
    }

    private static double[] D(float[] a) => Array.ConvertAll(a, v => (double)v);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 64)]
    [InlineData(4, 131)]
    public void LayerNormMatchesTheDefinition(int rows, int width)
    {
        var rng = new Random(rows * 100 + width);
        foreach (var level in Levels())
        {
            using var _ = KernelConfig.Force(level);
            var x = Data(rng, rows * width, -3, 0.25);
            var g = Data(rng, rows * width, 0, 1);
            var w = Data(rng, width, 1, 0.5);
            var b = Data(rng, width, 0, 1);
            var y = new double[x.Length];
            var dx = new double[x.Length];
            var dw = new double[width];
            var db = new double[width];
            var mean = new double[rows];
            var inv = new double[rows];
            LayerNormKernels.Forward(x, 0, y, 0, rows, width, 1e-5, w, 0, b, 0, mean, inv, 0);
            LayerNormKernels.Backward(x, 0, g, 0, dx, 0, rows, width, w, 0, mean, inv, 0, dw, 0, db, 0);
            var refDw = new double[width];
            var refDb = new double[width];
            for (int r = 0; r < rows; r++)
            {
                var idx = Enumerable.Range(r * width, width).ToArray();
                double m = idx.Average(i => x[i]);
                double iv = 1 / Math.Sqrt(idx.Average(i => (x[i] - m) * (x[i] - m)) + 1e-5);
                Near(m, mean[r], 1e-13, $"mean[{r}] {level}");
                Near(iv, inv[r], 1e-11, $"inv[{r}] {level}");
                double mgh = idx.Average(i => g[i] * w[i - r * width]);
                double mghx = idx.Average(i => g[i] * w[i - r * width] * (x[i] - m) * iv);
                foreach (int i in idx)
                {
                    int k = i - r * width;
                    double xhat = (x[i] - m) * iv;
                    Near(xhat * w[k] + b[k], y[i], 1e-11, $"y[{i}] {level}");
                    Near(iv * (g[i] * w[k] - mgh - xhat * mghx), dx[i], 1e-10, $"dx[{i}] {level}");
                    refDw[k] += g[i] * xhat;
                    refDb[k] += g[i];
                }
            }
            for (int k = 0; k < width; k++)
            {
                Near(refDw[k], dw[k], 1e-11, $"dweight[{k}] {level}");
                Near(refDb[k], db[k], 1e-12, $"dbias[{k}] {level}");
            }
        }
    }
}
