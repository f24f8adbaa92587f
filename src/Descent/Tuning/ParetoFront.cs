namespace Descent.Tuning;

/// <summary>
/// Pareto dominance and non-dominated sorting for multi-objective studies (Deb et al. 2002, the sort of
/// NSGA-II). Vectors are compared under the study's directions; a vector dominates another when it is no
/// worse in every objective and strictly better in one.
/// </summary>
public static class ParetoFront
{
    /// <summary>Whether <paramref name="a"/> dominates <paramref name="b"/> under <paramref name="directions"/>.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<StudyDirection> directions)
    {
        bool strictly = false;
        for (int i = 0; i < directions.Count; i++)
        {
            double x = directions[i] == StudyDirection.Minimize ? a[i] : -a[i];
            double y = directions[i] == StudyDirection.Minimize ? b[i] : -b[i];
            if (x > y) return false;
            if (x < y) strictly = true;
        }
        return strictly;
    }

    /// <summary>The trials with values that no other trial's values dominate, ordered by number (ties all stay).</summary>
    public static IReadOnlyList<FrozenTrial> Of(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        var withValues = trials.Where(t => t.Values is { } v && v.Count == directions.Count).ToList();
        var front = new List<FrozenTrial>();
        foreach (var t in withValues)
        {
            bool dominated = false;
            foreach (var o in withValues)
                if (Dominates(o.Values!, t.Values!, directions)) { dominated = true; break; }
            if (!dominated) front.Add(t);
        }
        front.Sort((x, y) => x.Number.CompareTo(y.Number));
        return front;
    }

    /// <summary>
    /// Non-domination rank of each row of <paramref name="losses"/> (all objectives minimized): 0 for the
    /// Pareto front, 1 for the front of the rest, and so on (Deb et al.'s fast non-dominated sort, O(m·n²)).
    /// </summary>
    public static int[] NonDominatedRanks(IReadOnlyList<double[]> losses)
    {
        int n = losses.Count;
        var ranks = new int[n];
        var dominatedBy = new int[n];                 // how many rows dominate row i
        var dominates = new List<int>[n];             // rows that row i dominates
        for (int i = 0; i < n; i++) dominates[i] = [];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                int c = Compare(losses[i], losses[j]);
                if (c < 0) { dominates[i].Add(j); dominatedBy[j]++; }
                else if (c > 0) { dominates[j].Add(i); dominatedBy[i]++; }
            }
        var current = new List<int>();
        for (int i = 0; i < n; i++) if (dominatedBy[i] == 0) current.Add(i);
        int rank = 0;
        while (current.Count > 0)
        {
            var next = new List<int>();
            foreach (var i in current)
            {
                ranks[i] = rank;
                foreach (var j in dominates[i])
                    if (--dominatedBy[j] == 0) next.Add(j);
            }
            current = next;
            rank++;
        }
        return ranks;
    }

    // −1 when a dominates b, +1 when b dominates a, 0 otherwise (minimization).
    private static int Compare(double[] a, double[] b)
    {
        bool aBetter = false, bBetter = false;
        for (int k = 0; k < a.Length; k++)
        {
            if (a[k] < b[k]) aBetter = true;
            else if (a[k] > b[k]) bBetter = true;
            if (aBetter && bBetter) return 0;
        }
        return aBetter ? -1 : bBetter ? 1 : 0;
    }
}
