using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// Maximum a posteriori kernel hyperparameters for <see cref="GaussianProcess"/>: maximizes the log
/// marginal likelihood log p(y | X, θ) = −½yᵀK⁻¹y − ½log|K| − n/2·log 2π (Rasmussen &amp; Williams eq. 5.8,
/// gradient eq. 5.9: ½tr((ααᵀ − K⁻¹)∂K/∂θ)) plus Optuna's weak log-priors — −(0.1/θ + 0.1θ) per inverse
/// squared lengthscale, Gamma(2, 1) on the signal variance, Gamma(1.1, 30) on the noise variance — which
/// keep the optimum finite with few points. Parameters are optimized in log space (noise as
/// log(σ² − minimum)) with <see cref="BoxLbfgs"/> from several starts; the best is kept.
/// </summary>
internal sealed class GpKernelFit
{
    private const double RawBound = 20; // e^±20: far beyond any useful lengthscale or variance

    private readonly double[] _x;
    private readonly int _n, _dim, _groups;
    private readonly int[] _groupOfColumn;
    private readonly double[] _y;
    private readonly double _minNoise;
    private readonly bool _deterministic;
    private readonly double[] _pairD;   // per pair i > j, per group: Σ_{c∈g} (x_ic − x_jc)²
    private readonly double[] _k, _l, _linvT, _kinv, _alpha, _m, _dm;

    /// <summary>Prepares the fit for inputs <paramref name="x"/> (n × dim) and standardized targets <paramref name="y"/>.</summary>
    public GpKernelFit(double[] x, int n, int dim, int[] groupOfColumn, int groups, double[] y, double minimumNoise, bool deterministicObjective)
    {
        _x = x; _n = n; _dim = dim; _groupOfColumn = groupOfColumn; _groups = groups; _y = y;
        _minNoise = minimumNoise;
        _deterministic = deterministicObjective;
        int pairs = n * (n - 1) / 2;
        _pairD = new double[pairs * groups];
        int p = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++, p++)
                for (int c = 0; c < dim; c++)
                {
                    double diff = x[i * dim + c] - x[j * dim + c];
                    _pairD[p * groups + groupOfColumn[c]] += diff * diff;
                }
        _k = new double[n * n];
        _l = new double[n * n];
        _linvT = new double[n * n];
        _kinv = new double[n * n];
        _alpha = new double[n];
        _m = new double[pairs];
        _dm = new double[pairs];
    }

    /// <summary>Number of raw parameters: one per group, the signal and the noise.</summary>
    public int RawCount => _groups + 2;

    /// <summary>Raw (log-space) parameters of <paramref name="kernel"/>.</summary>
    public double[] ToRaw(GpKernelParams kernel)
    {
        var raw = new double[RawCount];
        for (int g = 0; g < _groups; g++) raw[g] = Math.Log(kernel.InverseSquaredLengthscales[g]);
        raw[_groups] = Math.Log(kernel.SignalVariance);
        // Optuna starts the noise a little above the minimum so its log is finite.
        raw[_groups + 1] = Math.Log(Math.Max(kernel.NoiseVariance - 0.99 * _minNoise, 1e-300));
        for (int i = 0; i < raw.Length; i++) raw[i] = Math.Clamp(raw[i], -RawBound, RawBound);
        return raw;
    }

    /// <summary>Kernel parameters of a raw vector.</summary>
    public GpKernelParams FromRaw(ReadOnlySpan<double> raw)
    {
        var theta = new double[_groups];
        for (int g = 0; g < _groups; g++) theta[g] = Math.Exp(raw[g]);
        double noise = _deterministic ? _minNoise : Math.Exp(raw[_groups + 1]) + _minNoise;
        return new GpKernelParams(theta, Math.Exp(raw[_groups]), noise);
    }

    /// <summary>Minimizes the negative log posterior from each start; returns the best parameters and loss (+∞ and the first start when every start fails).</summary>
    public (GpKernelParams Params, double Loss) TryFit(IReadOnlyList<GpKernelParams> starts, double gtol = 1e-2)
    {
        var lower = new double[RawCount];
        var upper = new double[RawCount];
        Array.Fill(lower, -RawBound);
        Array.Fill(upper, RawBound);
        GpKernelParams? best = null;
        double bestLoss = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var raw = ToRaw(start);
            var result = BoxLbfgs.Minimize(Loss, raw, lower, upper, maxIterations: 200, gtol: gtol);
            if (double.IsFinite(result.Value) && result.Value < bestLoss)
            {
                bestLoss = result.Value;
                best = FromRaw(raw);
            }
        }
        return (best ?? starts[0], bestLoss);
    }

    /// <summary>−log marginal likelihood − log prior at <paramref name="raw"/>, with its gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Loss(ReadOnlySpan<double> raw, Span<double> grad)
    {
        int n = _n, G = _groups;
        Span<double> theta = stackalloc double[G];
        for (int g = 0; g < G; g++) theta[g] = Math.Exp(raw[g]);
        double s = Math.Exp(raw[G]);
        double noiseExcess = _deterministic ? 0 : Math.Exp(raw[G + 1]);
        double noise = noiseExcess + _minNoise;

        int p = 0;
        for (int i = 0; i < n; i++)
        {
            _k[i * n + i] = s + noise;
            for (int j = 0; j < i; j++, p++)
            {
                double d2 = 0;
                for (int g = 0; g < G; g++) d2 += theta[g] * _pairD[p * G + g];
                _m[p] = GaussianProcess.Matern52(d2);
                _dm[p] = GaussianProcess.Matern52Derivative(d2);
                _k[i * n + j] = s * _m[p];
            }
        }
        if (!DenseLinearAlgebra.TryCholesky(_k, n, _l)) { grad.Clear(); return double.PositiveInfinity; }
        _y.CopyTo(_alpha, 0);
        DenseLinearAlgebra.SolveLower(_l, n, _alpha);
        double quad = 0;
        for (int i = 0; i < n; i++) quad += _alpha[i] * _alpha[i];
        DenseLinearAlgebra.SolveLowerTransposed(_l, n, _alpha);
        double logDet = 0;
        for (int i = 0; i < n; i++) logDet += Math.Log(_l[i * n + i]);
        double mll = -0.5 * quad - logDet - 0.5 * n * Math.Log(2 * Math.PI);

        DenseLinearAlgebra.InvertLowerTransposed(_l, n, _linvT);
        DenseLinearAlgebra.InverseFromFactor(_linvT, n, _kinv);

        // ∂mll/∂raw = ½ Σ_ij W_ij ∂K_ij/∂raw with W = ααᵀ − K⁻¹; off-diagonal pairs count twice.
        Span<double> gTheta = stackalloc double[G];
        gTheta.Clear();
        double gSignal = 0, traceW = 0;
        p = 0;
        for (int i = 0; i < n; i++)
        {
            double wii = _alpha[i] * _alpha[i] - _kinv[i * n + i];
            traceW += wii;
            gSignal += 0.5 * wii * s;
            for (int j = 0; j < i; j++, p++)
            {
                double w = _alpha[i] * _alpha[j] - _kinv[i * n + j];
                gSignal += w * s * _m[p];
                double wd = w * s * _dm[p];
                for (int g = 0; g < G; g++) gTheta[g] += wd * _pairD[p * G + g];
            }
        }

        double logPrior = Math.Log(s) - s + 0.1 * Math.Log(noise) - 30 * noise;
        for (int g = 0; g < G; g++)
        {
            logPrior -= 0.1 / theta[g] + 0.1 * theta[g];
            grad[g] = -(gTheta[g] * theta[g] + (0.1 / theta[g] - 0.1 * theta[g]));
        }
        grad[G] = -(gSignal + (1 - s));
        grad[G + 1] = _deterministic ? 0 : -(0.5 * traceW * noiseExcess + (0.1 / noise - 30) * noiseExcess);
        return -(mll + logPrior);
    }
}
