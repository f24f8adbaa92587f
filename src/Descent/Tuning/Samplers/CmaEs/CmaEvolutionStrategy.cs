using System.Globalization;
using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// One run of CMA-ES on the unit box, following N. Hansen, "The CMA Evolution Strategy: A Tutorial"
/// (arXiv:1604.00772, 2016): default strategy parameters of Table 1 including the negative (active)
/// weights of eq. 49–53, cumulative step-size adaptation (eq. 43–44), rank-one and rank-μ covariance
/// updates (eq. 45–47) with h_σ stalling, and the termination tests of the CyberAgent <c>cmaes</c>
/// library that Optuna uses (TolFun over a history of best/worst values, TolX, TolXUp, no-effect axis and
/// coordinate, condition number &gt; 10¹⁴). The state round-trips through a JSON-shaped map so workers
/// sharing a storage continue the same run.
/// </summary>
internal sealed class CmaEvolutionStrategy
{
    private const double Eps = 1e-8;
    private const double TolFun = 1e-12, TolXUp = 1e4, TolConditionCov = 1e14;

    private readonly double[] _weights;
    private readonly double _muEff, _c1, _cmu, _cSigma, _dSigma, _cc, _chiN;
    private readonly int _funHistTerm;
    private double[]? _b, _d; // eigenvectors (columns) and √eigenvalues of C, cached between updates

    /// <summary>Starts a run at <paramref name="mean"/> with step size <paramref name="sigma"/> and λ = <paramref name="populationSize"/>.</summary>
    public CmaEvolutionStrategy(double[] mean, double sigma, int populationSize, int restart = 0)
    {
        int n = mean.Length;
        if (n < 1) throw new ArgumentException("CMA-ES needs at least one dimension", nameof(mean));
        if (populationSize < 2) throw new ArgumentException($"population size must be >= 2, got {populationSize}", nameof(populationSize));
        Dim = n;
        PopulationSize = populationSize;
        Restart = restart;
        Mean = (double[])mean.Clone();
        Sigma = sigma;
        Sigma0 = sigma;
        C = new double[n * n];
        for (int i = 0; i < n; i++) C[i * n + i] = 1;
        Pc = new double[n];
        PSigma = new double[n];
        FunHistory = [];

        // Table 1: w'_i = ln((λ+1)/2) − ln i; μ = ⌊λ/2⌋.
        Mu = populationSize / 2;
        var wPrime = new double[populationSize];
        for (int i = 0; i < populationSize; i++) wPrime[i] = Math.Log((populationSize + 1) / 2.0) - Math.Log(i + 1);
        double posSum = 0, posSq = 0, negSum = 0, negSq = 0;
        for (int i = 0; i < populationSize; i++)
        {
            if (wPrime[i] >= 0) { posSum += wPrime[i]; posSq += wPrime[i] * wPrime[i]; }
            else { negSum += -wPrime[i]; negSq += wPrime[i] * wPrime[i]; }
        }
        _muEff = posSum * posSum / posSq;
        double muEffMinus = negSq > 0 ? negSum * negSum / negSq : 0;
        const double alphaCov = 2;
        _c1 = alphaCov / ((n + 1.3) * (n + 1.3) + _muEff);
        _cmu = Math.Min(1 - _c1 - 1e-8, alphaCov * (_muEff - 2 + 1 / _muEff) / ((n + 2) * (n + 2) + alphaCov * _muEff / 2));
        double minAlpha = Math.Min(1 + _c1 / _cmu, Math.Min(1 + 2 * muEffMinus / (_muEff + 2), (1 - _c1 - _cmu) / (n * _cmu)));
        _weights = new double[populationSize];
        for (int i = 0; i < populationSize; i++)
            _weights[i] = wPrime[i] >= 0 ? wPrime[i] / posSum : minAlpha * wPrime[i] / negSum;
        _cSigma = (_muEff + 2) / (n + _muEff + 5);
        _dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1) + _cSigma;
        _cc = (4 + _muEff / n) / (n + 4 + 2 * _muEff / n);
        _chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        _funHistTerm = 10 + (int)Math.Ceiling(30.0 * n / populationSize);
    }

    /// <summary>Dimension n.</summary>
    public int Dim { get; }

    /// <summary>Population size λ.</summary>
    public int PopulationSize { get; }

    /// <summary>Number of selected (positively weighted) solutions μ.</summary>
    public int Mu { get; }

    /// <summary>Index of this run among the restarts of a study (0 for the first).</summary>
    public int Restart { get; }

    /// <summary>Updates so far.</summary>
    public int Generation { get; private set; }

    /// <summary>Distribution mean m.</summary>
    public double[] Mean { get; private set; }

    /// <summary>Step size σ.</summary>
    public double Sigma { get; private set; }

    /// <summary>Initial step size σ₀ (TolX is 10⁻¹²·σ₀).</summary>
    public double Sigma0 { get; private set; }

    /// <summary>Covariance matrix C, row-major n×n.</summary>
    public double[] C { get; private set; }

    /// <summary>Evolution path of the covariance.</summary>
    public double[] Pc { get; private set; }

    /// <summary>Conjugate evolution path of the step size.</summary>
    public double[] PSigma { get; private set; }

    /// <summary>Best and worst values of the latest generations (two per generation, oldest first).</summary>
    public List<double> FunHistory { get; private set; }

    /// <summary>Recombination weights w_i (positive for the μ best, negative for the rest).</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>
    /// Draws x ~ m + σ·B·D·z in the unit box: redraws up to 100 times when x leaves [0, 1]ⁿ, then clips
    /// (the <c>cmaes</c> library's resampling + repair).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Ask(TuningRandom rng)
    {
        var (b, d) = Eigen();
        int n = Dim;
        var z = new double[n];
        var x = new double[n];
        for (int attempt = 0; attempt <= 100; attempt++)
        {
            for (int i = 0; i < n; i++) z[i] = d[i] * rng.NextGaussian();
            bool inside = true;
            for (int i = 0; i < n; i++)
            {
                double y = 0;
                for (int k = 0; k < n; k++) y += b[i * n + k] * z[k];
                x[i] = Mean[i] + Sigma * y;
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) return x;
        }
        for (int i = 0; i < n; i++) x[i] = Math.Clamp(x[i], 0, 1);
        return x;
    }

    /// <summary>One generation update from exactly λ evaluated solutions (minimization).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Tell(IReadOnlyList<(double[] X, double Value)> solutions)
    {
        if (solutions.Count != PopulationSize) throw new ArgumentException($"CMA-ES needs {PopulationSize} solutions per generation, got {solutions.Count}", nameof(solutions));
        int n = Dim, lambda = PopulationSize;
        var sorted = solutions.Select((s, i) => (s.X, s.Value, i)).OrderBy(s => s.Value).ThenBy(s => s.i).ToArray();
        Generation++;
        FunHistory.Add(sorted[0].Value);
        FunHistory.Add(sorted[^1].Value);
        if (FunHistory.Count > 2 * _funHistTerm) FunHistory.RemoveRange(0, FunHistory.Count - 2 * _funHistTerm);

        var (b, d) = Eigen();
        _b = _d = null;
        var y = new double[lambda][];
        for (int k = 0; k < lambda; k++)
        {
            y[k] = new double[n];
            for (int i = 0; i < n; i++) y[k][i] = (sorted[k].X[i] - Mean[i]) / Sigma;
        }
        // eq. 41: y_w = Σ_{i≤μ} w_i y_{i:λ}; m ← m + c_m σ y_w with c_m = 1.
        var yw = new double[n];
        for (int k = 0; k < Mu; k++)
            for (int i = 0; i < n; i++) yw[i] += _weights[k] * y[k][i];
        for (int i = 0; i < n; i++) Mean[i] += Sigma * yw[i];

        // eq. 43: p_σ ← (1 − c_σ)p_σ + √(c_σ(2 − c_σ)μ_eff)·C^(−1/2)y_w, C^(−1/2) = B D⁻¹ Bᵀ.
        var invSqrtYw = InvSqrtC(b, d, yw);
        double psCoeff = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        double psNorm = 0;
        for (int i = 0; i < n; i++)
        {
            PSigma[i] = (1 - _cSigma) * PSigma[i] + psCoeff * invSqrtYw[i];
            psNorm += PSigma[i] * PSigma[i];
        }
        psNorm = Math.Sqrt(psNorm);
        // eq. 44.
        Sigma = Math.Min(Sigma * Math.Exp(_cSigma / _dSigma * (psNorm / _chiN - 1)), 1e32);

        // h_σ (p. 28): stall the rank-one path while p_σ is long (σ is growing fast).
        double hLeft = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * (Generation + 1)));
        double hSigma = hLeft < (1.4 + 2.0 / (n + 1)) * _chiN ? 1 : 0;
        double pcCoeff = hSigma * Math.Sqrt(_cc * (2 - _cc) * _muEff);
        for (int i = 0; i < n; i++) Pc[i] = (1 - _cc) * Pc[i] + pcCoeff * yw[i];

        // eq. 46: negative weights are rescaled by n/‖C^(−1/2)y‖² so the active update stays bounded.
        var wo = new double[lambda];
        for (int k = 0; k < lambda; k++)
        {
            if (_weights[k] >= 0) { wo[k] = _weights[k]; continue; }
            var t = InvSqrtC(b, d, y[k]);
            double norm2 = 0;
            foreach (var v in t) norm2 += v * v;
            wo[k] = _weights[k] * n / (norm2 + Eps);
        }
        double deltaH = (1 - hSigma) * _cc * (2 - _cc);
        double weightSum = _weights.Sum();
        double decay = 1 + _c1 * deltaH - _c1 - _cmu * weightSum;
        // eq. 47.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++) rankMu += wo[k] * y[k][i] * y[k][j];
                C[i * n + j] = decay * C[i * n + j] + _c1 * Pc[i] * Pc[j] + _cmu * rankMu;
            }
    }

    /// <summary>Whether the run has converged or degenerated (the <c>cmaes</c> library's <c>should_stop</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ShouldStop()
    {
        var (b, d) = Eigen();
        int n = Dim;
        if (Generation > _funHistTerm && FunHistory.Count > 0 && FunHistory.Max() - FunHistory.Min() < TolFun) return true;
        double tolX = 1e-12 * Sigma0;
        bool allSmall = true;
        for (int i = 0; i < n; i++) allSmall &= Sigma * C[i * n + i] < tolX && Sigma * Pc[i] < tolX;
        if (allSmall) return true;
        if (Sigma * d.Max() > TolXUp) return true;
        for (int i = 0; i < n; i++)
            if (Mean[i] == Mean[i] + 0.2 * Sigma * Math.Sqrt(C[i * n + i])) return true;
        int axis = Generation % n;
        bool noEffect = true;
        for (int i = 0; i < n; i++) noEffect &= Mean[i] == Mean[i] + 0.1 * Sigma * d[axis] * b[i * n + axis];
        if (noEffect) return true;
        return d.Max() / d.Min() > TolConditionCov;
    }

    /// <summary>
    /// Drops the cached eigendecomposition, so the next use derives it from <see cref="C"/> as it is now —
    /// as a state restored with <see cref="FromAttr"/> from <see cref="ToAttr"/> of this one would.
    /// </summary>
    public void DiscardDecomposition() => _b = _d = null;

    // C = B·diag(D²)·Bᵀ after symmetrizing; negative eigenvalues (rounding) are replaced by ε as in cmaes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double[] B, double[] D) Eigen()
    {
        if (_b is not null && _d is not null) return (_b, _d);
        int n = Dim;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) C[i * n + j] = C[j * n + i] = (C[i * n + j] + C[j * n + i]) / 2;
        var values = new double[n];
        var b = new double[n * n];
        DenseLinearAlgebra.SymmetricEigen(C, n, values, b);
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Math.Sqrt(values[i] < 0 ? Eps : values[i]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += b[i * n + k] * d[k] * d[k] * b[j * n + k];
                C[i * n + j] = s;
            }
        _b = b;
        _d = d;
        return (b, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double[] InvSqrtC(double[] b, double[] d, double[] v)
    {
        int n = Dim;
        var t = new double[n];
        for (int k = 0; k < n; k++)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += b[i * n + k] * v[i];
            t[k] = s / d[k];
        }
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++) s += b[i * n + k] * t[k];
            r[i] = s;
        }
        return r;
    }

    /// <summary>The state as a JSON-shaped map (for a trial system attribute).</summary>
    public Dictionary<string, object?> ToAttr(string space) => new()
    {
        ["space"] = space,
        ["restart"] = (long)Restart,
        ["generation"] = (long)Generation,
        ["popsize"] = (long)PopulationSize,
        ["sigma"] = Sigma,
        ["sigma0"] = Sigma0,
        ["mean"] = Mean.ToArray(),
        ["c"] = C.ToArray(),
        ["pc"] = Pc.ToArray(),
        ["ps"] = PSigma.ToArray(),
        ["funhist"] = FunHistory.ToArray(),
    };

    /// <summary>Restores a state written by <see cref="ToAttr"/>; null when the map is malformed.</summary>
    public static CmaEvolutionStrategy? FromAttr(IReadOnlyDictionary<string, object?> attr)
    {
        try
        {
            var mean = Doubles(attr["mean"]);
            var s = new CmaEvolutionStrategy(mean, Num(attr["sigma0"]), (int)Num(attr["popsize"]), (int)Num(attr["restart"]))
            {
                Generation = (int)Num(attr["generation"]),
                Sigma = Num(attr["sigma"]),
                C = Doubles(attr["c"]),
                Pc = Doubles(attr["pc"]),
                PSigma = Doubles(attr["ps"]),
                FunHistory = [.. Doubles(attr["funhist"])],
            };
            int n = mean.Length;
            return s.C.Length == n * n && s.Pc.Length == n && s.PSigma.Length == n ? s : null;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    // JSON stores may hand back 3.0 as 3 (long).
    private static double Num(object? v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);

    private static double[] Doubles(object? v) => v switch
    {
        IEnumerable<double> d => d.ToArray(),
        IEnumerable<object?> o => o.Select(Num).ToArray(),
        _ => throw new InvalidCastException("expected a list of numbers"),
    };
}
