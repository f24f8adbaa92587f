using System.Runtime.CompilerServices;

namespace Descent.Tuning;

/// <summary>
/// log EI of a fitted <see cref="GaussianProcess"/> on encoded points, and its maximization (Optuna's
/// <c>optimize_acqf_mixed</c>): evaluate scrambled-Sobol candidates, start local searches from the best
/// one, from points drawn by a roulette ∝ e^(acq − max), and from the given warm starts; each local search
/// alternates L-BFGS on the continuous columns (preconditioned by the lengthscales, so the kernel looks
/// isotropic) with a search over each discrete parameter's values, until nothing improves.
/// </summary>
internal sealed class GpAcquisition
{
    // Optuna's acqf_stabilizing_noise: keeps σ > 0 at observed points of a noiseless model.
    private const double StabilizingNoise = 1e-12;
    // Discrete parameters with at most this many values are searched exhaustively (Optuna's limit).
    private const int ExhaustiveLimit = 16;

    private readonly GaussianProcess _gp;
    private readonly UnitSpaceTransform _space;
    private readonly double _f0;
    private readonly double[] _scratch;
    private readonly double[] _meanGrad, _varGrad;

    /// <summary>log EI of <paramref name="gp"/> against the incumbent <paramref name="f0"/> (maximization).</summary>
    public GpAcquisition(GaussianProcess gp, UnitSpaceTransform space, double f0)
    {
        _gp = gp;
        _space = space;
        _f0 = f0;
        _scratch = gp.NewScratch();
        _meanGrad = new double[space.ColumnCount];
        _varGrad = new double[space.ColumnCount];
    }

    /// <summary>log EI at an encoded point.</summary>
    public double Evaluate(ReadOnlySpan<double> features)
    {
        var (mean, variance) = _gp.Predict(features, _scratch);
        return LogExpectedImprovement.Value(mean, variance + StabilizingNoise, _f0);
    }

    /// <summary>log EI and its gradient with respect to every encoded column.</summary>
    public double EvaluateWithGradient(ReadOnlySpan<double> features, Span<double> gradient)
    {
        var (mean, variance) = _gp.PredictWithGradient(features, _meanGrad, _varGrad, _scratch);
        double value = LogExpectedImprovement.ValueWithGradient(mean, variance + StabilizingNoise, _f0, out double dm, out double dv);
        for (int c = 0; c < gradient.Length; c++) gradient[c] = dm * _meanGrad[c] + dv * _varGrad[c];
        return value;
    }

    /// <summary>Maximizes log EI; returns the best encoded point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Maximize(TuningRandom rng, int candidates, int localSearches, IReadOnlyList<double[]> warmStarts)
    {
        int dim = _space.ColumnCount;
        var points = SampleCandidates(rng, candidates);
        var values = new double[candidates];
        var variances = new double[candidates];
        _gp.PredictBatch(points, candidates, values, variances);
        int best = 0;
        for (int i = 0; i < candidates; i++)
        {
            values[i] = LogExpectedImprovement.Value(values[i], variances[i] + StabilizingNoise, _f0);
            if (values[i] > values[best]) best = i;
        }

        // Roulette ∝ e^(acq − max) without replacement for the remaining starts (Optuna's modified roulette).
        var starts = new List<int> { best };
        var weights = new double[candidates];
        for (int i = 0; i < candidates; i++) weights[i] = i == best ? 0 : Math.Exp(values[i] - values[best]);
        int extra = Math.Max(0, localSearches - 1 - warmStarts.Count);
        for (int k = 0; k < extra; k++)
        {
            double total = 0;
            foreach (var w in weights) total += w;
            if (!(total > 0)) break;
            int pick = rng.NextWeighted(weights);
            starts.Add(pick);
            weights[pick] = 0;
        }

        var bestX = points.AsSpan(best * dim, dim).ToArray();
        double bestF = values[best];
        var x = new double[dim];
        foreach (var start in starts.Select(i => points.AsSpan(i * dim, dim).ToArray()).Concat(warmStarts))
        {
            start.CopyTo(x, 0);
            double f = LocalSearch(x);
            if (f > bestF) { bestF = f; x.CopyTo(bestX, 0); }
        }
        return bestX;
    }

    // Scrambled Sobol points mapped onto the encoded space (discrete values snapped, categoricals one-hot).
    private double[] SampleCandidates(TuningRandom rng, int count)
    {
        int p = _space.ParamCount, dim = _space.ColumnCount;
        var result = new double[count * dim];
        SobolSequence? sobol = p <= SobolSequence.MaxDimensions ? new SobolSequence(p, scramble: true, seed: rng.NextSeed()) : null;
        var u = new double[p];
        for (int i = 0; i < count; i++)
        {
            if (sobol is not null) sobol.Point(i, u);
            else for (int k = 0; k < p; k++) u[k] = rng.NextDouble();
            var row = result.AsSpan(i * dim, dim);
            for (int k = 0; k < p; k++)
            {
                int c0 = _space.FirstColumn[k];
                if (_space.IsCategorical(k))
                {
                    int n = _space.ColumnCounts[k];
                    row[c0 + Math.Min((int)(u[k] * n), n - 1)] = 1;
                }
                else
                {
                    row[c0] = _space.Snap(k, u[k]);
                }
            }
        }
        return result;
    }

    // Optuna's local_search_mixed: alternate continuous L-BFGS and discrete searches until a full pass
    // changes nothing. Returns the final value; x is updated in place.
    private double LocalSearch(double[] x)
    {
        double fx = Evaluate(x);
        int p = _space.ParamCount;
        var continuous = new List<int>();
        for (int k = 0; k < p; k++) if (!_space.IsCategorical(k) && _space.GridCounts[k] == 0) continuous.Add(_space.FirstColumn[k]);
        // A block is skipped once every other block has been tried since it last changed x (Optuna's
        // last_changed_param rule): −1 stands for the continuous block, k for discrete parameter k.
        const int Continuous = -1, None = -2;
        int lastChanged = None;
        for (int iter = 0; iter < 100; iter++)
        {
            if (lastChanged == Continuous) return fx;
            if (continuous.Count > 0 && GradientAscent(x, continuous, ref fx)) lastChanged = Continuous;
            for (int k = 0; k < p; k++)
            {
                if (!_space.IsCategorical(k) && _space.GridCounts[k] == 0) continue;
                if (lastChanged == k) return fx;
                if (DiscreteSearch(x, k, ref fx)) lastChanged = k;
            }
            if (lastChanged == None) return fx;
        }
        return fx;
    }

    private bool GradientAscent(double[] x, List<int> columns, ref double fx)
    {
        int m = columns.Count;
        // Precondition: optimize z = x/ℓ so the kernel is isotropic in z (Optuna's trick).
        var scale = new double[m];
        var z = new double[m];
        var lower = new double[m];
        var upper = new double[m];
        for (int j = 0; j < m; j++)
        {
            int c = columns[j];
            double theta = _gp.Kernel.InverseSquaredLengthscales[_space.ParamOfColumn[c]];
            scale[j] = 1 / Math.Sqrt(theta);
            z[j] = x[c] / scale[j];
            upper[j] = 1 / scale[j];
        }
        var trial = (double[])x.Clone();
        var fullGrad = new double[x.Length];
        double Negative(ReadOnlySpan<double> zz, Span<double> g)
        {
            for (int j = 0; j < m; j++) trial[columns[j]] = zz[j] * scale[j];
            double f = EvaluateWithGradient(trial, fullGrad);
            for (int j = 0; j < m; j++) g[j] = -fullGrad[columns[j]] * scale[j];
            return -f;
        }
        var result = BoxLbfgs.Minimize(Negative, z, lower, upper, maxIterations: 200, gtol: 1e-2);
        if (-result.Value > fx && result.Iterations > 0)
        {
            for (int j = 0; j < m; j++) x[columns[j]] = Math.Clamp(z[j] * scale[j], 0, 1);
            fx = Evaluate(x);
            return true;
        }
        return false;
    }

    private bool DiscreteSearch(double[] x, int k, ref double fx)
    {
        int c0 = _space.FirstColumn[k];
        var trial = (double[])x.Clone();
        double bestF = fx;
        double[]? bestX = null;
        if (_space.IsCategorical(k))
        {
            int n = _space.ColumnCounts[k];
            for (int choice = 0; choice < n; choice++)
            {
                if (x[c0 + choice] == 1) continue;
                for (int j = 0; j < n; j++) trial[c0 + j] = j == choice ? 1 : 0;
                double f = Evaluate(trial);
                if (f > bestF) { bestF = f; bestX = (double[])trial.Clone(); }
            }
        }
        else
        {
            long count = _space.GridCounts[k];
            IEnumerable<long> indices;
            if (count <= ExhaustiveLimit)
            {
                indices = Enumerable.Range(0, (int)count).Select(i => (long)i);
            }
            else
            {
                // Large grids: the neighbours of the current value plus an even sweep of the range.
                long current = _space.GridIndex(k, x[c0]);
                indices = Enumerable.Range(-2, 5).Select(d => current + d)
                    .Concat(Enumerable.Range(0, ExhaustiveLimit).Select(i => (long)Math.Round(i * (count - 1) / (ExhaustiveLimit - 1.0))))
                    .Where(i => i >= 0 && i < count).Distinct();
            }
            foreach (long i in indices)
            {
                double u = _space.GridUnit(k, i);
                if (u == x[c0]) continue;
                trial[c0] = u;
                double f = Evaluate(trial);
                if (f > bestF) { bestF = f; bestX = (double[])trial.Clone(); }
            }
        }
        if (bestX is null) return false;
        bestX.CopyTo(x, 0);
        fx = bestF;
        return true;
    }
}
