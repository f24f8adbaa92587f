namespace Descent.Tuning;

/// <summary>
/// fANOVA parameter importance (Hutter, Hoos &amp; Leyton-Brown, "An Efficient Approach for Assessing
/// Hyperparameter Importance", ICML 2014; Optuna's <c>FanovaImportanceEvaluator</c>). A random forest of
/// regression trees (bootstrap samples, all features per split, as scikit-learn's
/// <c>RandomForestRegressor</c> that Optuna uses) is fitted to the complete trials' parameters → target.
/// Each tree is a piecewise-constant function over the search space; under the uniform measure on that
/// space its variance decomposes exactly (functional ANOVA), and a parameter's importance is the variance of
/// its marginal — the tree averaged over all other parameters — as a fraction of the tree's total
/// variance, averaged over trees. Parameters are encoded on [0, 1]: log-scaled for log ranges, each grid
/// value and each categorical choice owning an equal cell. Importances are normalized to sum 1.
/// </summary>
public sealed class FanovaImportanceEvaluator : IImportanceEvaluator
{
    private readonly int _nTrees, _maxDepth, _minSamplesSplit, _minSamplesLeaf;
    private readonly long? _seed;

    /// <summary>Creates the evaluator with Optuna's defaults: 64 trees of depth at most 64.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1 (or <paramref name="minSamplesSplit"/> below 2).</exception>
    public FanovaImportanceEvaluator(int nTrees = 64, int maxDepth = 64, long? seed = null, int minSamplesSplit = 2, int minSamplesLeaf = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nTrees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamplesSplit, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSamplesLeaf, 1);
        _nTrees = nTrees;
        _maxDepth = maxDepth;
        _seed = seed;
        _minSamplesSplit = minSamplesSplit;
        _minSamplesLeaf = minSamplesLeaf;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null)
    {
        var input = ImportanceInputs.Collect(study, parameters, target);
        var raw = new Dictionary<string, double>(StringComparer.Ordinal);
        var active = Enumerable.Range(0, input.Names.Length).Where(i => !input.Distributions[i].IsSingle).ToArray();
        foreach (var (name, i) in input.Names.Select((n, i) => (n, i))) raw[name] = 0;
        if (active.Length == 0 || input.Trials.Count == 0) return ImportanceInputs.Normalize(raw);

        int n = input.Trials.Count, d = active.Length;
        var numeric = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (int p in active) if (input.Distributions[p] is not CategoricalDistribution) numeric[input.Names[p]] = input.Distributions[p];
        var unit = new UnitSpaceTransform(numeric, oneHot: false);
        var x = new double[n][];
        for (int r = 0; r < n; r++)
        {
            x[r] = new double[d];
            for (int j = 0; j < d; j++)
            {
                int p = active[j];
                double v = input.Trials[r].InternalParams[input.Names[p]];
                // Categoricals sit at the centre of their choice's cell of width 1/k; numeric ranges map as
                // UnitSpaceTransform does (log scale, ±½ step), so every grid value owns an equal cell.
                x[r][j] = input.Distributions[p] is CategoricalDistribution c
                    ? (v + 0.5) / c.Choices.Count
                    : unit.ToUnit(Array.IndexOf(unit.Names, input.Names[p]), v);
            }
        }
        var importance = MarginalVarianceFractions(x, input.Targets, d);
        for (int j = 0; j < d; j++) raw[input.Names[active[j]]] = importance[j];
        return ImportanceInputs.Normalize(raw);
    }

    // Mean over trees (with non-zero variance) of V_j / V.
    private double[] MarginalVarianceFractions(double[][] x, double[] y, int d)
    {
        var rng = _seed is long s ? new TuningRandom(s) : new TuningRandom();
        int n = y.Length;
        var lower = new double[d];
        var upper = Enumerable.Repeat(1.0, d).ToArray();
        var total = new double[d];
        int used = 0;
        var sample = new int[n];
        for (int t = 0; t < _nTrees; t++)
        {
            for (int i = 0; i < n; i++) sample[i] = rng.NextInt(n); // bootstrap
            var tree = RegressionTree.Fit(x, y, sample, _maxDepth, _minSamplesSplit, _minSamplesLeaf, new TuningRandom(rng.NextSeed()));
            var fractions = Decompose(tree.Leaves(lower, upper), d);
            if (fractions is null) continue;
            for (int j = 0; j < d; j++) total[j] += fractions[j];
            used++;
        }
        if (used > 0) for (int j = 0; j < d; j++) total[j] /= used;
        return total;
    }

    /// <summary>
    /// V_j/V of a piecewise-constant function given by leaf boxes partitioning [0, 1]^d: the mean is
    /// μ = Σ vol_l·v_l, V = Σ vol_l·(v_l − μ)², and the marginal of feature j at x is
    /// a_j(x) = Σ_{l ∋ x} v_l·vol_l / width_lj, constant between the leaves' boundaries in j, so
    /// V_j = Σ_cells width·(a_j − μ)². Null when V = 0 (a constant tree says nothing).
    /// </summary>
    internal static double[]? Decompose(List<(double Value, double[] Lower, double[] Upper)> leaves, int d)
    {
        int L = leaves.Count;
        var volume = new double[L];
        double mean = 0;
        for (int l = 0; l < L; l++)
        {
            double v = 1;
            for (int j = 0; j < d; j++) v *= leaves[l].Upper[j] - leaves[l].Lower[j];
            volume[l] = v;
            mean += v * leaves[l].Value;
        }
        double variance = 0;
        for (int l = 0; l < L; l++) variance += volume[l] * (leaves[l].Value - mean) * (leaves[l].Value - mean);
        if (!(variance > 1e-300)) return null;
        var fractions = new double[d];
        for (int j = 0; j < d; j++)
        {
            var cuts = new SortedSet<double> { 0, 1 };
            foreach (var leaf in leaves) { cuts.Add(leaf.Lower[j]); cuts.Add(leaf.Upper[j]); }
            var points = cuts.ToArray();
            var delta = new double[points.Length];
            for (int l = 0; l < L; l++)
            {
                double width = leaves[l].Upper[j] - leaves[l].Lower[j];
                if (!(width > 0)) continue;
                double c = leaves[l].Value * volume[l] / width;
                delta[Array.BinarySearch(points, leaves[l].Lower[j])] += c;
                delta[Array.BinarySearch(points, leaves[l].Upper[j])] -= c;
            }
            double a = 0, vj = 0;
            for (int k = 0; k + 1 < points.Length; k++)
            {
                a += delta[k];
                vj += (points[k + 1] - points[k]) * (a - mean) * (a - mean);
            }
            fractions[j] = vj / variance;
        }
        return fractions;
    }
}
