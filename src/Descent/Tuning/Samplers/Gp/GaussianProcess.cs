using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// Kernel hyperparameters of <see cref="GaussianProcess"/>: one inverse squared lengthscale per
/// lengthscale group (ARD; a one-hot categorical's columns share one), the signal variance and the
/// observation-noise variance.
/// </summary>
internal sealed record GpKernelParams(double[] InverseSquaredLengthscales, double SignalVariance, double NoiseVariance);

/// <summary>
/// Gaussian-process regression with a Matérn-5/2 ARD kernel (Rasmussen &amp; Williams, Gaussian Processes for
/// Machine Learning, 2006, eq. 4.17 and Alg. 2.1): k(x, x') = s·(1 + √5·r + 5r²/3)·e^(−√5·r), r² = Σ_c θ_g(c)·(x_c − x'_c)²,
/// with θ the inverse squared lengthscales. The constructor factors K + σ²I once; <see cref="Predict"/> and
/// <see cref="PredictWithGradient"/> then cost O(n²) per point (the variance is s − ‖L⁻¹k‖²).
/// </summary>
internal sealed class GaussianProcess
{
    private readonly double[] _xt;          // training inputs, column-major: _xt[c·n + i]
    private readonly double[] _alpha;       // (K + σ²I)⁻¹ y
    private readonly double[] _linv;        // L⁻¹, row-major lower triangle
    private readonly double[] _linvT;       // L⁻ᵀ stored so row i = column i of L⁻¹
    private readonly double[] _theta;       // inverse squared lengthscale per column
    private readonly double _signal;

    /// <summary>Fits the posterior for inputs <paramref name="x"/> (n × dim, row-major) and targets <paramref name="y"/>.</summary>
    /// <exception cref="InvalidOperationException">The kernel matrix is not positive definite even with jitter.</exception>
    public GaussianProcess(double[] x, int n, int dim, int[] groupOfColumn, double[] y, GpKernelParams kernel)
    {
        N = n;
        Dim = dim;
        Kernel = kernel;
        _signal = kernel.SignalVariance;
        _theta = new double[dim];
        for (int c = 0; c < dim; c++) _theta[c] = kernel.InverseSquaredLengthscales[groupOfColumn[c]];
        _xt = new double[dim * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < dim; c++) _xt[c * n + i] = x[i * dim + c];

        var k = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            k[i * n + i] = _signal + kernel.NoiseVariance;
            for (int j = 0; j < i; j++)
            {
                double d2 = 0;
                for (int c = 0; c < dim; c++)
                {
                    double diff = x[i * dim + c] - x[j * dim + c];
                    d2 += _theta[c] * diff * diff;
                }
                k[i * n + j] = k[j * n + i] = _signal * Matern52(d2);
            }
        }
        var l = new double[n * n];
        if (double.IsNaN(DenseLinearAlgebra.CholeskyWithJitter(k, n, l)))
            throw new InvalidOperationException("GP kernel matrix is not positive definite");
        _alpha = (double[])y.Clone();
        DenseLinearAlgebra.SolveLower(l, n, _alpha);
        DenseLinearAlgebra.SolveLowerTransposed(l, n, _alpha);
        _linvT = new double[n * n];
        DenseLinearAlgebra.InvertLowerTransposed(l, n, _linvT);
        _linv = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) _linv[i * n + j] = _linvT[j * n + i];
    }

    /// <summary>Number of training points.</summary>
    public int N { get; }

    /// <summary>Input columns.</summary>
    public int Dim { get; }

    /// <summary>The kernel hyperparameters.</summary>
    public GpKernelParams Kernel { get; }

    /// <summary>Matérn-5/2 correlation as a function of the squared scaled distance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Matern52(double d2)
    {
        double r = Math.Sqrt(5 * d2);
        return (1 + r + 5.0 / 3.0 * d2) * Math.Exp(-r);
    }

    /// <summary>d/d(r²) of <see cref="Matern52"/>: −5/6·(1 + √5·r)·e^(−√5·r), finite at r = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Matern52Derivative(double d2)
    {
        double r = Math.Sqrt(5 * d2);
        return -5.0 / 6.0 * (1 + r) * Math.Exp(-r);
    }

    /// <summary>Scratch buffers for predictions (3·n doubles); one per thread.</summary>
    public double[] NewScratch() => new double[3 * N];

    /// <summary>Posterior mean and variance (clamped at 0) at <paramref name="point"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point, double[] scratch)
    {
        int n = N;
        var kv = scratch.AsSpan(0, n);
        var d2 = scratch.AsSpan(n, n);
        var v = scratch.AsSpan(2 * n, n);
        SquaredDistances(point, d2);
        for (int i = 0; i < n; i++) kv[i] = _signal * Matern52(d2[i]);
        double mean = TensorPrimitives.Dot(kv, _alpha);
        // v = L⁻¹k; var = s − vᵀv.
        for (int m = 0; m < n; m++) v[m] = TensorPrimitives.Dot(_linv.AsSpan(m * n, m + 1), kv[..(m + 1)]);
        double variance = _signal - TensorPrimitives.Dot(v, v);
        return (mean, Math.Max(variance, 0));
    }

    /// <summary>Posterior mean and variance with their gradients with respect to the point's columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Mean, double Variance) PredictWithGradient(ReadOnlySpan<double> point, Span<double> meanGrad, Span<double> varianceGrad, double[] scratch)
    {
        int n = N;
        var kv = scratch.AsSpan(0, n);
        var d2 = scratch.AsSpan(n, n);
        var v = scratch.AsSpan(2 * n, n);
        SquaredDistances(point, d2);
        for (int i = 0; i < n; i++) kv[i] = _signal * Matern52(d2[i]);
        double mean = TensorPrimitives.Dot(kv, _alpha);
        for (int m = 0; m < n; m++) v[m] = TensorPrimitives.Dot(_linv.AsSpan(m * n, m + 1), kv[..(m + 1)]);
        double variance = _signal - TensorPrimitives.Dot(v, v);
        // w = K⁻¹k = L⁻ᵀv, written over v from the front (w_i reads v_m for m ≥ i only).
        for (int i = 0; i < n; i++) v[i] = TensorPrimitives.Dot(_linvT.AsSpan(i * n + i, n - i), v[i..]);
        // dk_i/dx_c = s·m'(d2_i)·2θ_c(x_c − X_ic); reuse d2 for s·m'(d2_i).
        for (int i = 0; i < n; i++) d2[i] = _signal * Matern52Derivative(d2[i]);
        for (int c = 0; c < Dim; c++)
        {
            var col = _xt.AsSpan(c * n, n);
            double gm = 0, gv = 0, xc = point[c];
            for (int i = 0; i < n; i++)
            {
                double dk = d2[i] * 2 * _theta[c] * (xc - col[i]);
                gm += _alpha[i] * dk;
                gv += v[i] * dk;
            }
            meanGrad[c] = gm;
            varianceGrad[c] = variance > 0 ? -2 * gv : 0;
        }
        return (mean, Math.Max(variance, 0));
    }

    /// <summary>
    /// Posterior means and variances of <paramref name="count"/> points (row-major, <see cref="Dim"/> columns).
    /// Works on blocks of candidates laid out column-major, so the O(n²) triangular product runs as long
    /// contiguous multiply-adds across candidates instead of one short dot product per training point.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PredictBatch(ReadOnlySpan<double> points, int count, Span<double> means, Span<double> variances)
    {
        const int Block = 256;
        int n = N, dim = Dim;
        var cols = new double[dim * Block];   // candidate block, column-major
        var k = new double[n * Block];        // k[i·B + b] = k(x_b, X_i)
        var tmp = new double[Block];
        var v = new double[Block];
        var acc = new double[Block];
        var mean = new double[Block];
        for (int start = 0; start < count; start += Block)
        {
            int b = Math.Min(Block, count - start);
            for (int j = 0; j < b; j++)
                for (int c = 0; c < dim; c++) cols[c * Block + j] = points[(start + j) * dim + c];
            for (int i = 0; i < n; i++)
            {
                var ki = k.AsSpan(i * Block, b);
                ki.Clear();
                for (int c = 0; c < dim; c++)
                {
                    var t = tmp.AsSpan(0, b);
                    TensorPrimitives.Subtract(cols.AsSpan(c * Block, b), _xt[c * n + i], t);
                    TensorPrimitives.Multiply(t, t, t);
                    TensorPrimitives.MultiplyAdd(t, _theta[c], ki, ki);
                }
                // Matérn-5/2: s·(1 + r + r²/3)·e^(−r), r = √(5·d²).
                var r = tmp.AsSpan(0, b);
                TensorPrimitives.Multiply(ki, 5.0, r);
                TensorPrimitives.Sqrt(r, r);
                for (int j = 0; j < b; j++) ki[j] = _signal * (1 + r[j] + r[j] * r[j] / 3) * Math.Exp(-r[j]);
            }
            var m = mean.AsSpan(0, b);
            var a = acc.AsSpan(0, b);
            m.Clear();
            a.Clear();
            var vv = v.AsSpan(0, b);
            for (int row = 0; row < n; row++)
            {
                TensorPrimitives.MultiplyAdd(k.AsSpan(row * Block, b), _alpha[row], m, m);
                // v_row = Σ_{i ≤ row} L⁻¹[row, i]·k_i, then Σ_row v_row² = ‖L⁻¹k‖².
                vv.Clear();
                var lrow = _linv.AsSpan(row * n, row + 1);
                for (int i = 0; i <= row; i++) TensorPrimitives.MultiplyAdd(k.AsSpan(i * Block, b), lrow[i], vv, vv);
                TensorPrimitives.MultiplyAdd(vv, vv, a, a);
            }
            for (int j = 0; j < b; j++)
            {
                means[start + j] = m[j];
                variances[start + j] = Math.Max(_signal - a[j], 0);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SquaredDistances(ReadOnlySpan<double> point, Span<double> d2)
    {
        int n = N;
        d2.Clear();
        for (int c = 0; c < Dim; c++)
        {
            var col = _xt.AsSpan(c * n, n);
            double xc = point[c], th = _theta[c];
            for (int i = 0; i < n; i++)
            {
                double diff = xc - col[i];
                d2[i] += th * diff * diff;
            }
        }
    }
}
