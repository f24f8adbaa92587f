namespace Descent.Tuning;

/// <summary>
/// PED-ANOVA parameter importance (Watanabe, Bansal &amp; Hutter, "PED-ANOVA: Efficiently Quantifying
/// Hyperparameter Importance in Arbitrary Subspaces", IJCAI 2023; Optuna's
/// <c>PedAnovaImportanceEvaluator</c>). The trials reaching the top <c>baselineQuantile</c> of the target
/// (at least two) are compared with all trials, parameter by parameter: each set's values are
/// binned on a grid of at most 50 points (the values of a discrete range, log-spaced for log ranges) and
/// smoothed by a discrete Gaussian kernel estimator with Scott's bandwidth plus a flat prior kernel; the
/// importance is the Pearson χ² divergence Σ p_all·(p_top/p_all − 1)² of the top set's density from the
/// whole set's (or, with <c>evaluateOnLocal: false</c>, from the uniform density on the grid). A
/// parameter that matters concentrates the top trials and scores high. Normalized to sum 1; lower
/// targets are better unless the study maximizes (with no target given).
/// </summary>
public sealed class PedAnovaImportanceEvaluator : IImportanceEvaluator
{
    private const int Steps = 50;          // Optuna's n_steps
    private const int MinTopTrials = 2;    // Optuna's min_n_top_trials
    private const double PriorWeight = 1;  // Optuna's prior_weight

    private readonly double _baselineQuantile;
    private readonly bool _evaluateOnLocal;

    /// <summary>Creates the evaluator (Optuna's defaults: the top 10 %, compared with all trials).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baselineQuantile"/> outside (0, 1].</exception>
    public PedAnovaImportanceEvaluator(double baselineQuantile = 0.1, bool evaluateOnLocal = true)
    {
        if (!(baselineQuantile > 0 && baselineQuantile <= 1)) throw new ArgumentOutOfRangeException(nameof(baselineQuantile), baselineQuantile, "must be in (0, 1]");
        _baselineQuantile = baselineQuantile;
        _evaluateOnLocal = evaluateOnLocal;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null)
    {
        var input = ImportanceInputs.Collect(study, parameters, target);
        var raw = new Dictionary<string, double>(StringComparer.Ordinal);
        var active = Enumerable.Range(0, input.Names.Length).Where(i => !input.Distributions[i].IsSingle).ToList();
        foreach (var name in input.Names) raw[name] = 0;
        if (active.Count == 0) return ImportanceInputs.Normalize(raw);
        if (input.Trials.Count <= MinTopTrials)
        {
            foreach (int i in active) raw[input.Names[i]] = 1;
            return ImportanceInputs.Normalize(raw);
        }
        bool lowerIsBetter = target is not null || study.Directions[0] == StudyDirection.Minimize;
        var top = TopRows(input.Targets, lowerIsBetter);
        double sum = 0;
        foreach (int i in active)
        {
            var cells = Cells(input.Distributions[i], input.Trials.Select(t => t.InternalParams[input.Names[i]]).ToArray(), out int gridSize);
            var topCounts = new double[gridSize];
            var allCounts = new double[gridSize];
            for (int r = 0; r < cells.Length; r++)
            {
                allCounts[cells[r]]++;
                if (top[r]) topCounts[cells[r]]++;
            }
            bool categorical = input.Distributions[i] is CategoricalDistribution;
            var pTop = Density(topCounts, categorical);
            var pAll = _evaluateOnLocal ? Density(allCounts, categorical) : Enumerable.Repeat(1.0 / gridSize, gridSize).ToArray();
            double divergence = 0;
            for (int k = 0; k < gridSize; k++)
            {
                double a = pTop[k] + 1e-12, b = pAll[k] + (_evaluateOnLocal ? 1e-12 : 0);
                divergence += b * (a / b - 1) * (a / b - 1);
            }
            raw[input.Names[i]] = divergence;
            sum += divergence;
        }
        if (!(sum > 0)) foreach (int i in active) raw[input.Names[i]] = 1; // identical densities everywhere
        return ImportanceInputs.Normalize(raw);
    }

    // Optuna's _QuantileFilter: keep targets ≤ max(the MinTopTrials-th best, the q-quantile by the inverted CDF).
    private bool[] TopRows(double[] targets, bool lowerIsBetter)
    {
        var loss = targets.Select(v => lowerIsBetter ? v : -v).ToArray();
        var sorted = loss.Order().ToArray();
        int q = Math.Max(0, (int)Math.Ceiling(_baselineQuantile * sorted.Length) - 1);
        double cutoff = Math.Max(sorted[Math.Min(MinTopTrials, sorted.Length) - 1], sorted[q]);
        return loss.Select(v => v <= cutoff).ToArray();
    }

    // Grid cell of each value: choices for categoricals; otherwise the nearest of gridSize evenly spaced
    // points over [low, high] (log-spaced for log ranges), with gridSize the number of values of a discrete
    // range (ceil(log2(high − low + 1)) + 1 for log ints) capped at 50 — Optuna's discretization.
    private static int[] Cells(Distribution dist, double[] values, out int gridSize)
    {
        if (dist is CategoricalDistribution c)
        {
            gridSize = c.Choices.Count;
            return values.Select(v => (int)v).ToArray();
        }
        double low, high;
        bool log;
        switch (dist)
        {
            case IntDistribution n:
                (low, high, log) = (n.Low, n.High, n.Log);
                gridSize = n.Log ? Math.Min((int)Math.Ceiling(Math.Log2(n.High - n.Low + 1.0)) + 1, Steps)
                                 : (int)Math.Min(((long)n.High - n.Low) / n.Step + 1, Steps);
                break;
            case FloatDistribution f:
                (low, high, log) = (f.Low, f.High, f.Log);
                gridSize = f.Step is double s ? (int)Math.Min(Math.Round((f.High - f.Low) / s) + 1, Steps) : Steps;
                break;
            default:
                throw new ArgumentException($"unsupported distribution {dist.GetType().Name}", nameof(dist));
        }
        double lo = log ? Math.Log(low) : low, hi = log ? Math.Log(high) : high;
        double h = (hi - lo) / (gridSize - 1);
        int size = gridSize;
        return values.Select(v => Math.Clamp((int)Math.Round(((log ? Math.Log(v) : v) - lo) / h), 0, size - 1)).ToArray();
    }

    // The density on grid indices 0..m−1 of a mixture with weight count_k per occupied index k plus a prior
    // kernel of weight PriorWeight. Numeric: discrete normals truncated to [−½, m − ½] with Scott's rule
    // bandwidth (at least 0.5/1.64, so 90 % of a kernel's mass stays within its own cell's neighbourhood),
    // the prior centred with σ = m. Categorical: Optuna's categorical kernel, 1 on the observed choice plus
    // PriorWeight/kernels on every choice, and a uniform prior.
    private static double[] Density(double[] counts, bool categorical)
    {
        int m = counts.Length;
        var occupied = Enumerable.Range(0, m).Where(k => counts[k] > 0).ToArray();
        double n = counts.Sum();
        double total = n + PriorWeight;
        var pdf = new double[m];
        if (categorical)
        {
            int kernels = occupied.Length + 1;
            double fill = PriorWeight / kernels;
            foreach (int k in occupied)
                for (int j = 0; j < m; j++) pdf[j] += counts[k] / total * ((j == k ? 1 : 0) + fill) / (1 + fill * m);
            for (int j = 0; j < m; j++) pdf[j] += PriorWeight / total / m;
            return pdf;
        }
        double sigma = 0.5 / 1.64;
        if (n > 0)
        {
            double mean = occupied.Sum(k => k * counts[k]) / n;
            double sd = Math.Sqrt(occupied.Sum(k => (k - mean) * (k - mean) * counts[k]) / Math.Max(1, n - 1));
            var cumulative = new double[occupied.Length];
            double acc = 0;
            for (int i = 0; i < occupied.Length; i++) cumulative[i] = acc += counts[occupied[i]];
            int q25 = SearchSorted(cumulative, Math.Floor(n / 4), right: false);
            int q75 = SearchSorted(cumulative, Math.Floor(n * 3 / 4), right: true);
            double iqr = occupied[Math.Min(occupied.Length - 1, q75)] - occupied[Math.Min(occupied.Length - 1, q25)];
            sigma = Math.Max(1.059 * Math.Min(iqr / 1.34, sd) * Math.Pow(n, -0.2), sigma);
        }
        foreach (int k in occupied) AddDiscreteNormal(pdf, k, sigma, counts[k] / total);
        AddDiscreteNormal(pdf, (m - 1) / 2.0, m, PriorWeight / total);
        return pdf;
    }

    private static void AddDiscreteNormal(double[] pdf, double mu, double sigma, double weight)
    {
        int m = pdf.Length;
        double norm = SpecialFunctions.NormCdf((m - 0.5 - mu) / sigma) - SpecialFunctions.NormCdf((-0.5 - mu) / sigma);
        for (int j = 0; j < m; j++)
            pdf[j] += weight * (SpecialFunctions.NormCdf((j + 0.5 - mu) / sigma) - SpecialFunctions.NormCdf((j - 0.5 - mu) / sigma)) / norm;
    }

    // numpy.searchsorted on an ascending array.
    private static int SearchSorted(double[] a, double v, bool right)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (right ? a[mid] <= v : a[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
