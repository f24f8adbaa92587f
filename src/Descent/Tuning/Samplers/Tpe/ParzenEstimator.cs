using System.Runtime.CompilerServices;
using System.Numerics;

namespace Descent.Tuning;

/// <summary>
/// TPE's density model: a weighted mixture of product kernels, one kernel per observation plus one prior
/// kernel (Bergstra et al. 2011; Watanabe 2023, "Tree-structured Parzen Estimator: Understanding Its
/// Algorithm Components", §3; Optuna's <c>_ParzenEstimator</c>). Numeric parameters get normal kernels
/// truncated to the range (in log space for log ranges; integrated over ±step/2 for stepped ones);
/// categorical parameters get a categorical kernel that puts weight 1 on the observed choice plus
/// prior mass on every choice.
/// </summary>
internal sealed class ParzenEstimator
{
    private const double Eps = 1e-12;

    // Optuna's SIGMA0_MAGNITUDE: Scott's-rule width as a fraction of the range at n = 1.
    private const double ScottMagnitude = 0.2;

    private readonly double[] _weights;
    private readonly double[] _logWeights;
    private readonly KernelColumn[] _columns;

    /// <param name="space">Distributions, one per column, in a fixed order.</param>
    /// <param name="observations">Internal values per column (each of length <paramref name="n"/>), in trial-number order.</param>
    /// <param name="n">Number of observations.</param>
    /// <param name="settings">Prior weight, magic clip, endpoints and the weight function.</param>
    /// <param name="weights">Per-observation weights, or null for <see cref="TpeOptions.Weights"/>.</param>
    /// <param name="sortedOrders">Optional ascending order of each numeric column's observations (saves a sort).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ParzenEstimator(IReadOnlyList<Distribution> space, IReadOnlyList<double[]> observations, int n, TpeOptions settings, double[]? weights,
        IReadOnlyList<int[]>? sortedOrders = null)
    {
        double[] w;
        if (n == 0)
        {
            w = [1.0];
        }
        else
        {
            var raw = weights ?? settings.Weights(n);
            if (raw.Length < n) throw new InvalidOperationException($"the TPE weight function returned {raw.Length} weights for {n} observations");
            w = new double[n + 1];
            for (int i = 0; i < n; i++)
            {
                if (!(raw[i] >= 0) || !double.IsFinite(raw[i])) throw new InvalidOperationException($"TPE weights must be finite and non-negative, got {raw[i]}");
                w[i] = raw[i];
            }
            w[n] = settings.PriorWeight;
        }
        double sum = w.Sum();
        if (!(sum > 0)) throw new InvalidOperationException("TPE weights must not all be zero");
        for (int i = 0; i < w.Length; i++) w[i] /= sum;
        _weights = w;
        _logWeights = w.Select(v => Math.Log(v)).ToArray();

        // Scott's rule (Optuna's multivariate estimator): one width fraction for every numeric dimension.
        var rule = settings.Bandwidth == TpeBandwidth.Optuna
            ? (settings.Multivariate ? TpeBandwidth.Scott : TpeBandwidth.NeighbourGaps)
            : settings.Bandwidth;
        double? scottFraction = rule == TpeBandwidth.Scott ? ScottMagnitude * Math.Pow(Math.Max(n, 1), -1.0 / (space.Count + 4)) : null;

        _columns = new KernelColumn[space.Count];
        for (int d = 0; d < space.Count; d++)
        {
            var obs = observations[d].AsSpan(0, n);
            _columns[d] = space[d] is CategoricalDistribution c
                ? new CategoricalColumn(obs, c.Choices.Count, settings.PriorWeight)
                : new NumericColumn(obs, space[d], settings, scottFraction, sortedOrders?[d]);
        }
    }

    /// <summary>Number of mixture components (observations + prior).</summary>
    public int KernelCount => _weights.Length;

    /// <summary>Draws <paramref name="count"/> points; row i holds the internal value of every column.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[][] Sample(TuningRandom rng, int count)
    {
        var result = new double[count][];
        for (int i = 0; i < count; i++)
        {
            int k = rng.NextWeighted(_weights);
            var row = new double[_columns.Length];
            for (int d = 0; d < _columns.Length; d++) row[d] = _columns[d].Sample(rng, k);
            result[i] = row;
        }
        return result;
    }

    /// <summary>Log density (log mass for discrete columns) of each row of <paramref name="points"/> under the mixture.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] LogPdf(double[][] points)
    {
        var acc = new double[_weights.Length];
        var result = new double[points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            _logWeights.CopyTo(acc, 0);
            for (int d = 0; d < _columns.Length; d++) _columns[d].AddLogPdf(points[i][d], acc);
            result[i] = LogSumExp(acc);
        }
        return result;
    }

    // log Σ exp(v_k), vectorized. The max term is 1 and a term below e^-50 ≈ 2e-22 cannot change the sum
    // at double precision even over 10⁴ kernels, so such terms are dropped: that bounds the exponent range
    // of the polynomial exp below and lets whole vectors of far-away kernels be skipped.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LogSumExp(double[] values)
    {
        int n = values.Length, k = 0;
        double max = double.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vmax = new Vector<double>(double.NegativeInfinity);
            for (; k <= n - Vector<double>.Count; k += Vector<double>.Count) vmax = Vector.Max(vmax, new Vector<double>(values, k));
            for (int j = 0; j < Vector<double>.Count; j++) max = Math.Max(max, vmax[j]);
        }
        for (; k < n; k++) max = Math.Max(max, values[k]);
        if (double.IsNegativeInfinity(max)) return max;

        double sum = 0;
        k = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vsum = Vector<double>.Zero;
            var vm = new Vector<double>(max);
            var floor = new Vector<double>(-50.0);
            for (; k <= n - Vector<double>.Count; k += Vector<double>.Count)
            {
                var d = new Vector<double>(values, k) - vm;
                // Most kernels of a large estimator are far from the point: skip whole vectors of them.
                if (Vector.LessThanOrEqualAll(d, floor)) continue;
                vsum += Vector.ConditionalSelect(Vector.GreaterThan(d, floor), ExpNonPositive(Vector.Max(d, floor)), Vector<double>.Zero);
            }
            sum = Vector.Sum(vsum);
        }
        for (; k < n; k++) if (values[k] - max > -50.0) sum += Math.Exp(values[k] - max);
        return max + Math.Log(sum);
    }

    // e^d for d in [−50, 0]: d = j·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r¹² (relative error
    // < 1e-15 on that interval), 2^j by writing the exponent bits. Cody–Waite split of ln2 keeps r exact.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector<double> ExpNonPositive(Vector<double> d)
    {
        var j = Vector.Floor(d * new Vector<double>(1.4426950408889634) + new Vector<double>(0.5));
        var r = d - j * new Vector<double>(0.693145751953125) - j * new Vector<double>(1.4286068203094173e-06);
        var p = new Vector<double>(1.0 / 479001600);
        p = p * r + new Vector<double>(1.0 / 39916800);
        p = p * r + new Vector<double>(1.0 / 3628800);
        p = p * r + new Vector<double>(1.0 / 362880);
        p = p * r + new Vector<double>(1.0 / 40320);
        p = p * r + new Vector<double>(1.0 / 5040);
        p = p * r + new Vector<double>(1.0 / 720);
        p = p * r + new Vector<double>(1.0 / 120);
        p = p * r + new Vector<double>(1.0 / 24);
        p = p * r + new Vector<double>(1.0 / 6);
        p = p * r + new Vector<double>(0.5);
        p = p * r + Vector<double>.One;
        p = p * r + Vector<double>.One;
        var bits = Vector.ShiftLeft(Vector.ConvertToInt64(j) + new Vector<long>(1023), 52);
        return p * Vector.AsVectorDouble(bits);
    }

    private abstract class KernelColumn
    {
        public abstract double Sample(TuningRandom rng, int kernel);

        public abstract void AddLogPdf(double x, double[] acc);
    }

    /// <summary>Truncated-normal kernels of one float/int parameter (Optuna's <c>_calculate_numerical_distributions</c>).</summary>
    private sealed class NumericColumn : KernelColumn
    {
        private readonly double[] _mu, _sigma, _invSigma, _constant;
        private readonly double _low, _high;          // original range, for rounding and clipping samples
        private readonly double _lowT, _highT;        // range in kernel space: widened by step/2, then log
        private readonly double _step;                // 0 for continuous
        private readonly bool _log;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public NumericColumn(ReadOnlySpan<double> obs, Distribution dist, TpeOptions settings, double? scottFraction, int[]? sortedOrder)
        {
            (_low, _high, _log, _step) = dist switch
            {
                FloatDistribution f => (f.Low, f.High, f.Log, f.Step ?? 0.0),
                IntDistribution i => ((double)i.Low, (double)i.High, i.Log, (double)i.Step),
                _ => throw new ArgumentException($"unsupported distribution {dist}", nameof(dist)),
            };
            double low = _low - _step / 2, high = _high + _step / 2;
            if (_log) { low = Math.Log(low); high = Math.Log(high); }
            _lowT = low;
            _highT = high;

            int n = obs.Length;
            _mu = new double[n + 1];
            for (int i = 0; i < n; i++) _mu[i] = _log ? Math.Log(obs[i]) : obs[i];
            _sigma = new double[n + 1];
            if (scottFraction is double fraction)
            {
                // Optuna clips Scott's width with the same magic clip as the gaps (kernels = n + 1 with the prior).
                double minSigma = MinSigma(settings, high - low, n + 1);
                Array.Fill(_sigma, Math.Clamp(fraction * (high - low), minSigma, high - low), 0, n);
            }
            else
            {
                ComputeSigmas(_mu.AsSpan(0, n), _sigma.AsSpan(0, n), low, high, settings, sortedOrder);
            }
            // The prior kernel: centred, as wide as the range.
            _mu[n] = 0.5 * (low + high);
            _sigma[n] = high - low;

            _invSigma = new double[n + 1];
            _constant = new double[n + 1];
            for (int k = 0; k <= n; k++)
            {
                _invSigma[k] = 1 / _sigma[k];
                double a = (low - _mu[k]) * _invSigma[k], b = (high - _mu[k]) * _invSigma[k];
                // Beyond ±9σ the lost mass is < 1e-18, below double resolution of log Z ≈ 0: skip two erfc calls
                // for the (many) narrow interior kernels.
                double logZ = a < -9 && b > 9 ? 0 : SpecialFunctions.LogGaussMass(a, b);
                _constant[k] = _step == 0 ? -Math.Log(_sigma[k]) - SpecialFunctions.LogSqrt2Pi - logZ : -logZ;
            }
        }

        // Each kernel's bandwidth is the larger gap to its sorted neighbours, where the range ends and the
        // prior kernel's centre count as neighbours (Optuna sorts the observations together with the prior
        // mean); without consider_endpoints the outermost kernels use their inner gap only. The "magic clip"
        // keeps bandwidths ≥ range / min(100, kernels + 1) (Bergstra et al. 2011).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ComputeSigmas(ReadOnlySpan<double> mus, Span<double> sigmas, double low, double high, TpeOptions settings, int[]? sortedOrder)
        {
            int n = mus.Length;
            if (n == 0) return;
            int[] order;
            if (sortedOrder is not null && sortedOrder.Length == n)
            {
                // Ascending in the internal value; the log transform is monotone, so also in kernel space.
                order = sortedOrder;
            }
            else
            {
                order = new int[n];
                for (int i = 0; i < n; i++) order[i] = i;
                var keys = mus.ToArray();
                Array.Sort(keys, order); // introsort is unstable, but ties give equal gaps either way
            }
            // e = [low, sorted observations with the prior mean merged in after its equals, high]: m = n + 1
            // kernel centres at e[1..m]. A stable argsort (numpy's for small arrays) also puts the prior,
            // the last kernel, after equal observations.
            double prior = 0.5 * (low + high);
            int m = n + 1;
            var e = new double[m + 2];
            var rowAt = new int[m + 2];      // observation row at each slot of e, −1 for the ends and the prior
            e[0] = low;
            rowAt[0] = -1;
            int slot = 1;
            bool priorPlaced = false;
            for (int i = 0; i < n; i++)
            {
                double v = mus[order[i]];
                if (!priorPlaced && v > prior) { e[slot] = prior; rowAt[slot++] = -1; priorPlaced = true; }
                e[slot] = v;
                rowAt[slot++] = order[i];
            }
            if (!priorPlaced) { e[slot] = prior; rowAt[slot++] = -1; }
            e[m + 1] = high;
            rowAt[m + 1] = -1;
            double maxSigma = high - low;
            double minSigma = MinSigma(settings, high - low, m);
            for (int j = 1; j <= m; j++)
            {
                int row = rowAt[j];
                if (row < 0) continue;
                double s = Math.Max(e[j] - e[j - 1], e[j + 1] - e[j]);
                if (!settings.ConsiderEndpoints)
                {
                    if (j == 1) s = e[2] - e[1];
                    else if (j == m) s = e[m] - e[m - 1];
                }
                sigmas[row] = Math.Clamp(s, minSigma, maxSigma);
            }
        }

        // Magic clip floor range · max(Δ, (kernels + 1)^−α) (Watanabe 2023's b_magic exponent α and minimum bandwidth
        // factor Δ); Optuna's range / min(100, kernels + 1) is α = 1, Δ = 0.01.
        private static double MinSigma(TpeOptions settings, double range, int kernels) =>
            settings.ConsiderMagicClip ? range * Math.Max(settings.MinBandwidthFactor, Math.Pow(1.0 + kernels, -settings.MagicClipExponent)) : Eps;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override double Sample(TuningRandom rng, int kernel)
        {
            double mu = _mu[kernel], s = _sigma[kernel];
            double z = SpecialFunctions.SampleTruncatedStandardNormal(rng, (_lowT - mu) / s, (_highT - mu) / s);
            double x = mu + s * z;
            if (_log) x = Math.Exp(x);
            if (_step != 0) x = _low + Math.Round((x - _low) / _step) * _step;
            return Math.Clamp(x, _low, _high);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void AddLogPdf(double x, double[] acc)
        {
            if (_step == 0)
            {
                double t = _log ? Math.Log(x) : x;
                AddGaussianLogPdf(t, acc);
                return;
            }
            double lo = x - _step / 2, hi = x + _step / 2;
            if (_log) { lo = Math.Log(lo); hi = Math.Log(hi); }
            for (int k = 0; k < acc.Length; k++)
                acc[k] += SpecialFunctions.LogGaussMass((lo - _mu[k]) * _invSigma[k], (hi - _mu[k]) * _invSigma[k]) + _constant[k];
        }

        // acc[k] += c_k − ½((t − μ_k)/σ_k)²: the hot loop of TPE (candidates × kernels), vectorized.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddGaussianLogPdf(double t, double[] acc)
        {
            int k = 0;
            if (Vector.IsHardwareAccelerated && acc.Length >= Vector<double>.Count)
            {
                var tv = new Vector<double>(t);
                var half = new Vector<double>(0.5);
                for (; k <= acc.Length - Vector<double>.Count; k += Vector<double>.Count)
                {
                    var z = (tv - new Vector<double>(_mu, k)) * new Vector<double>(_invSigma, k);
                    (new Vector<double>(acc, k) + new Vector<double>(_constant, k) - half * z * z).CopyTo(acc, k);
                }
            }
            for (; k < acc.Length; k++)
            {
                double z = (t - _mu[k]) * _invSigma[k];
                acc[k] += _constant[k] - 0.5 * z * z;
            }
        }
    }

    /// <summary>Categorical kernels: observation i puts weight 1 on its choice plus priorWeight/kernels on every choice, normalized per kernel.</summary>
    private sealed class CategoricalColumn : KernelColumn
    {
        private readonly double[][] _rows;
        private readonly double[][] _logRows;

        public CategoricalColumn(ReadOnlySpan<double> obs, int choices, double priorWeight)
        {
            int n = obs.Length;
            _rows = new double[n + 1][];
            if (n == 0)
            {
                _rows[0] = Enumerable.Repeat(1.0 / choices, choices).ToArray();
            }
            else
            {
                double fill = priorWeight / (n + 1);
                for (int k = 0; k <= n; k++)
                {
                    var row = Enumerable.Repeat(fill, choices).ToArray();
                    if (k < n) row[(int)obs[k]] += 1;
                    double sum = row.Sum();
                    if (sum > 0) for (int j = 0; j < choices; j++) row[j] /= sum;
                    _rows[k] = row;
                }
            }
            _logRows = _rows.Select(r => r.Select(v => Math.Log(v)).ToArray()).ToArray();
        }

        public override double Sample(TuningRandom rng, int kernel) => rng.NextWeighted(_rows[kernel]);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void AddLogPdf(double x, double[] acc)
        {
            int j = (int)x;
            for (int k = 0; k < acc.Length; k++) acc[k] += _logRows[k][j];
        }
    }
}
