using System.Globalization;

namespace Descent.Tuning;

/// <summary>
/// The selection machinery of NSGA-II (Deb, Pratap, Agarwal &amp; Meyarivan, "A Fast and Elitist
/// Multiobjective Genetic Algorithm: NSGA-II", IEEE TEC 6(2), 2002): constrained domination (§VI: a
/// feasible solution beats an infeasible one, the smaller total violation beats the larger, feasible
/// ones compare by Pareto dominance), non-dominated ranks, crowding distance (§III-B) and elitist
/// truncation of parents ∪ offspring to the population size (§III-C).
/// </summary>
internal static class NsgaSelection
{
    /// <summary>Trial system attribute with the constraint values (Optuna's key).</summary>
    public const string ConstraintsKey = "constraints";

    /// <summary>Losses (minimized) of each trial: values, negated for maximized objectives.</summary>
    public static double[] Loss(FrozenTrial t, IReadOnlyList<StudyDirection> directions)
    {
        var v = new double[directions.Count];
        for (int i = 0; i < v.Length; i++) v[i] = directions[i] == StudyDirection.Minimize ? t.Values![i] : -t.Values![i];
        return v;
    }

    /// <summary>Total constraint violation Σ max(0, cᵢ): 0 when feasible, +∞ when the trial has no constraint values.</summary>
    public static double Violation(FrozenTrial t)
    {
        if (!t.SystemAttrs.TryGetValue(ConstraintsKey, out var v) || v is not IReadOnlyList<object?> list) return double.PositiveInfinity;
        double s = 0;
        foreach (var c in list)
        {
            double x = Convert.ToDouble(c, CultureInfo.InvariantCulture);
            if (double.IsNaN(x)) return double.PositiveInfinity;
            s += Math.Max(0, x);
        }
        return s;
    }

    /// <summary>Whether <paramref name="a"/> (constrained-)dominates <paramref name="b"/>.</summary>
    public static bool Dominates(FrozenTrial a, FrozenTrial b, IReadOnlyList<StudyDirection> directions, bool constrained)
    {
        if (constrained)
        {
            double va = Violation(a), vb = Violation(b);
            if (va == 0 && vb > 0) return true;
            if (va > 0 && vb == 0) return false;
            if (va > 0 && vb > 0) return va < vb;
        }
        return ParetoFront.Dominates(a.Values!, b.Values!, directions);
    }

    /// <summary>
    /// Rank of each trial: non-domination fronts of the feasible trials (0 = Pareto front), then the
    /// infeasible ones, one rank per distinct violation level in increasing order.
    /// </summary>
    public static int[] Ranks(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions, bool constrained)
    {
        int n = trials.Count;
        var ranks = new int[n];
        var feasible = new List<int>();
        var infeasible = new List<(int Index, double Violation)>();
        for (int i = 0; i < n; i++)
        {
            double v = constrained ? Violation(trials[i]) : 0;
            if (v == 0) feasible.Add(i); else infeasible.Add((i, v));
        }
        var feasibleRanks = ParetoFront.NonDominatedRanks(feasible.Select(i => Loss(trials[i], directions)).ToList());
        int next = 0;
        for (int k = 0; k < feasible.Count; k++)
        {
            ranks[feasible[k]] = feasibleRanks[k];
            next = Math.Max(next, feasibleRanks[k] + 1);
        }
        double? last = null;
        foreach (var (index, violation) in infeasible.OrderBy(t => t.Violation))
        {
            if (last is double l && violation > l) next++;
            ranks[index] = next;
            last = violation;
        }
        return ranks;
    }

    /// <summary>Crowding distance of each member of one front (∞ at the extremes of each objective).</summary>
    public static double[] CrowdingDistance(IReadOnlyList<double[]> losses)
    {
        int n = losses.Count;
        var distance = new double[n];
        if (n == 0) return distance;
        int m = losses[0].Length;
        var order = new int[n];
        for (int obj = 0; obj < m; obj++)
        {
            for (int i = 0; i < n; i++) order[i] = i;
            Array.Sort(order, (a, b) => losses[a][obj].CompareTo(losses[b][obj]) is var c && c != 0 ? c : a.CompareTo(b));
            double min = losses[order[0]][obj], max = losses[order[^1]][obj];
            if (!(max > min)) continue; // a flat objective separates nothing
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            for (int k = 1; k < n - 1; k++)
                distance[order[k]] += (losses[order[k + 1]][obj] - losses[order[k - 1]][obj]) / (max - min);
        }
        return distance;
    }

    /// <summary>
    /// Elitist truncation: whole fronts in rank order while they fit, then the most crowded-apart members of
    /// the first front that does not (ties by trial number).
    /// </summary>
    public static List<FrozenTrial> SelectElite(IReadOnlyList<FrozenTrial> candidates, int size, IReadOnlyList<StudyDirection> directions, bool constrained)
    {
        if (candidates.Count <= size) return candidates.OrderBy(t => t.Number).ToList();
        var ranks = Ranks(candidates, directions, constrained);
        var elite = new List<FrozenTrial>(size);
        foreach (var front in Enumerable.Range(0, candidates.Count).GroupBy(i => ranks[i]).OrderBy(g => g.Key))
        {
            var members = front.Select(i => candidates[i]).OrderBy(t => t.Number).ToList();
            if (elite.Count + members.Count <= size)
            {
                elite.AddRange(members);
                if (elite.Count == size) break;
                continue;
            }
            var distance = CrowdingDistance(members.Select(t => Loss(t, directions)).ToList());
            elite.AddRange(Enumerable.Range(0, members.Count).OrderByDescending(i => distance[i]).ThenBy(i => members[i].Number)
                .Take(size - elite.Count).Select(i => members[i]));
            break;
        }
        return elite;
    }
}
