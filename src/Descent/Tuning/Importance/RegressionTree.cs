namespace Descent.Tuning;

/// <summary>
/// A CART regression tree (Breiman et al. 1984) as scikit-learn's <c>DecisionTreeRegressor</c> grows it for
/// a random forest: squared-error splits at midpoints between distinct feature values, features tried in
/// a random order (all of them, sklearn's default for regressors), ties kept by the first found, growth
/// until <c>maxDepth</c>, a pure node, fewer than <c>minSamplesSplit</c> samples or no split leaving
/// <c>minSamplesLeaf</c> on both sides. Nodes are kept in flat arrays; <see cref="Leaves"/> lists each
/// leaf's box in feature space, which is what the fANOVA decomposition needs.
/// </summary>
internal sealed class RegressionTree
{
    private readonly List<int> _feature = [];
    private readonly List<double> _threshold = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<double> _value = [];

    private RegressionTree() { }

    /// <summary>Grows a tree on the rows <paramref name="sample"/> (duplicates allowed: a bootstrap) of <paramref name="x"/>.</summary>
    public static RegressionTree Fit(double[][] x, double[] y, int[] sample, int maxDepth, int minSamplesSplit, int minSamplesLeaf, TuningRandom rng)
    {
        var tree = new RegressionTree();
        tree.Grow(x, y, (int[])sample.Clone(), 0, maxDepth, Math.Max(2, minSamplesSplit), Math.Max(1, minSamplesLeaf), rng);
        return tree;
    }

    /// <summary>Number of nodes.</summary>
    public int NodeCount => _value.Count;

    /// <summary>The prediction for one row.</summary>
    public double Predict(ReadOnlySpan<double> row)
    {
        int node = 0;
        while (_left[node] >= 0) node = row[_feature[node]] <= _threshold[node] ? _left[node] : _right[node];
        return _value[node];
    }

    /// <summary>Each leaf's value and box [lower, upper) per feature, starting from the domain <paramref name="lower"/>/<paramref name="upper"/>.</summary>
    public List<(double Value, double[] Lower, double[] Upper)> Leaves(double[] lower, double[] upper)
    {
        var leaves = new List<(double, double[], double[])>();
        var stack = new Stack<(int Node, double[] Lo, double[] Hi)>();
        stack.Push((0, (double[])lower.Clone(), (double[])upper.Clone()));
        while (stack.Count > 0)
        {
            var (node, lo, hi) = stack.Pop();
            if (_left[node] < 0) { leaves.Add((_value[node], lo, hi)); continue; }
            int f = _feature[node];
            double t = Math.Clamp(_threshold[node], lo[f], hi[f]);
            var leftHi = (double[])hi.Clone(); leftHi[f] = t;
            var rightLo = (double[])lo.Clone(); rightLo[f] = t;
            stack.Push((_right[node], rightLo, hi));
            stack.Push((_left[node], lo, leftHi));
        }
        return leaves;
    }

    private int NewNode(double value)
    {
        _feature.Add(-1); _threshold.Add(0); _left.Add(-1); _right.Add(-1); _value.Add(value);
        return _value.Count - 1;
    }

    private int Grow(double[][] x, double[] y, int[] rows, int depth, int maxDepth, int minSplit, int minLeaf, TuningRandom rng)
    {
        double sum = 0;
        foreach (int r in rows) sum += y[r];
        int node = NewNode(sum / rows.Length);
        if (depth >= maxDepth || rows.Length < minSplit || rows.Length < 2 * minLeaf) return node;
        double first = y[rows[0]];
        bool pure = true;
        foreach (int r in rows) if (y[r] != first) { pure = false; break; }
        if (pure) return node;

        int features = x[rows[0]].Length;
        var order = new int[features];
        for (int i = 0; i < features; i++) order[i] = i;
        rng.Shuffle<int>(order);
        // With targets centred on the node mean (total 0), a split's error reduction is
        // L²·(1/n_l + 1/n_r) for the left sum L: no cancellation between large sums of squares.
        double mean = sum / rows.Length, sse = 0;
        foreach (int r in rows) sse += (y[r] - mean) * (y[r] - mean);
        double bestScore = 1e-12 * sse;
        int bestFeature = -1;
        double bestThreshold = 0;
        var sorted = new int[rows.Length];
        var keys = new double[rows.Length];
        foreach (int f in order)
        {
            for (int i = 0; i < rows.Length; i++) keys[i] = x[rows[i]][f];
            rows.CopyTo(sorted, 0);
            Array.Sort(keys, sorted);
            double leftSum = 0;
            for (int i = 0; i < sorted.Length - 1; i++)
            {
                leftSum += y[sorted[i]] - mean;
                int nl = i + 1, nr = sorted.Length - nl;
                double a = keys[i], b = keys[i + 1];
                if (a == b || nl < minLeaf || nr < minLeaf) continue;
                double score = leftSum * leftSum * (1.0 / nl + 1.0 / nr);
                if (score > bestScore)
                {
                    bestScore = score;
                    bestFeature = f;
                    double mid = a + (b - a) / 2;
                    bestThreshold = mid < b ? mid : a; // adjacent doubles: the midpoint may round up to b
                }
            }
        }
        if (bestFeature < 0) return node;
        var leftRows = rows.Where(r => x[r][bestFeature] <= bestThreshold).ToArray();
        var rightRows = rows.Where(r => x[r][bestFeature] > bestThreshold).ToArray();
        _feature[node] = bestFeature;
        _threshold[node] = bestThreshold;
        int l = Grow(x, y, leftRows, depth + 1, maxDepth, minSplit, minLeaf, rng);
        _left[node] = l;
        int rr = Grow(x, y, rightRows, depth + 1, maxDepth, minSplit, minLeaf, rng);
        _right[node] = rr;
        return node;
    }
}
