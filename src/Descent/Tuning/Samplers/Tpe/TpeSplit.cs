using System.Runtime.CompilerServices;
namespace Descent.Tuning;

/// <summary>
/// Optuna's <c>_split_trials</c>: divides finished trials into the γ(n) "below" (good) trials and the
/// rest. Complete trials rank first (by value, or by non-domination rank for several objectives), then
/// pruned trials (further step first, then better last intermediate value); running trials, which the
/// constant liar includes, always go above. Both halves come back in trial-number order.
/// </summary>
internal static class TpeSplit
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (List<FrozenTrial> Below, List<FrozenTrial> Above) Split(IReadOnlyList<StudyDirection> directions, List<FrozenTrial> trials, int nBelow)
    {
        var complete = new List<FrozenTrial>();
        var pruned = new List<FrozenTrial>();
        var running = new List<FrozenTrial>();
        foreach (var t in trials)
        {
            switch (t.State)
            {
                case TrialState.Running: running.Add(t); break;
                case TrialState.Complete: complete.Add(t); break;
                case TrialState.Pruned: pruned.Add(t); break;
            }
        }
        var (belowComplete, aboveComplete) = directions.Count == 1
            ? SplitSingle(complete, directions[0], nBelow)
            : SplitMulti(complete, directions, nBelow);
        nBelow = Math.Max(0, nBelow - belowComplete.Count);
        var prunedSorted = pruned.OrderBy(t => PrunedScore(t, directions)).ToList();
        int np = Math.Min(nBelow, prunedSorted.Count);

        if (pruned.Count == 0 && running.Count == 0) return (belowComplete, aboveComplete); // already in number order
        var below = belowComplete.Concat(prunedSorted.Take(np)).OrderBy(t => t.Number).ToList();
        var above = aboveComplete.Concat(prunedSorted.Skip(np)).Concat(running).OrderBy(t => t.Number).ToList();
        return (below, above);
    }

    // The nBelow best complete trials (ties: lower number first, as Python's stable sort), found with a
    // bounded insertion list in O(n·γ) instead of sorting all n: γ ≤ 25 by default and n reaches thousands.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (List<FrozenTrial>, List<FrozenTrial>) SplitSingle(List<FrozenTrial> complete, StudyDirection direction, int nBelow)
    {
        int nb = Math.Min(nBelow, complete.Count);
        double sign = direction == StudyDirection.Minimize ? 1 : -1;
        var bestIdx = new List<int>(nb + 1);
        var bestKey = new List<double>(nb + 1);
        for (int i = 0; i < complete.Count && nb > 0; i++)
        {
            double key = sign * complete[i].Values![0];
            if (bestIdx.Count == nb && key >= bestKey[^1]) continue;
            int pos = bestIdx.Count;
            while (pos > 0 && bestKey[pos - 1] > key) pos--;
            bestIdx.Insert(pos, i);
            bestKey.Insert(pos, key);
            if (bestIdx.Count > nb) { bestIdx.RemoveAt(nb); bestKey.RemoveAt(nb); }
        }
        var isBelow = new bool[complete.Count];
        foreach (var i in bestIdx) isBelow[i] = true;
        var below = new List<FrozenTrial>(nb);
        var above = new List<FrozenTrial>(complete.Count - nb);
        for (int i = 0; i < complete.Count; i++) (isBelow[i] ? below : above).Add(complete[i]);
        return (below, above);
    }

    // Non-dominated sorting; the rank that straddles the boundary is tie-broken by crowding distance
    // (NSGA-II's diversity measure). Optuna tie-breaks by a greedy hypervolume subset selection instead;
    // both prefer spread-out points of the boundary front.
    private static (List<FrozenTrial>, List<FrozenTrial>) SplitMulti(List<FrozenTrial> complete, IReadOnlyList<StudyDirection> directions, int nBelow)
    {
        int nb = Math.Min(nBelow, complete.Count);
        if (nb == 0) return ([], complete.ToList());
        if (nb == complete.Count) return (complete.ToList(), []);
        var losses = complete.Select(t => t.Values!.Select((v, i) => directions[i] == StudyDirection.Maximize ? -v : v).ToArray()).ToList();
        var ranks = ParetoFront.NonDominatedRanks(losses);
        var chosen = new bool[complete.Count];
        int taken = 0;
        for (int r = 0; taken < nb; r++)
        {
            var members = Enumerable.Range(0, complete.Count).Where(i => ranks[i] == r).ToList();
            if (taken + members.Count <= nb)
            {
                foreach (var i in members) chosen[i] = true;
                taken += members.Count;
                continue;
            }
            var crowd = CrowdingDistance(members.Select(i => losses[i]).ToList());
            foreach (var j in Enumerable.Range(0, members.Count).OrderByDescending(j => crowd[j]).ThenBy(j => members[j]).Take(nb - taken))
                chosen[members[j]] = true;
            taken = nb;
        }
        var below = new List<FrozenTrial>();
        var above = new List<FrozenTrial>();
        for (int i = 0; i < complete.Count; i++) (chosen[i] ? below : above).Add(complete[i]);
        return (below, above);
    }

    private static double[] CrowdingDistance(List<double[]> points)
    {
        int n = points.Count, m = points[0].Length;
        var d = new double[n];
        for (int o = 0; o < m; o++)
        {
            var idx = Enumerable.Range(0, n).OrderBy(i => points[i][o]).ToArray();
            double span = points[idx[^1]][o] - points[idx[0]][o];
            d[idx[0]] = d[idx[^1]] = double.PositiveInfinity;
            if (span <= 0) continue;
            for (int j = 1; j < n - 1; j++) d[idx[j]] += (points[idx[j + 1]][o] - points[idx[j - 1]][o]) / span;
        }
        return d;
    }

    // Optuna's _get_pruned_trial_score: trials that got further rank first, then by their last value.
    private static (int, double) PrunedScore(FrozenTrial t, IReadOnlyList<StudyDirection> directions)
    {
        if (directions.Count > 1 || t.IntermediateValues.Count == 0)
            return t.LastStep is int s && directions.Count > 1 ? (-s, 0.0) : (1, 0.0);
        var (step, value) = t.IntermediateValues.Last();
        if (double.IsNaN(value)) return (-step, double.PositiveInfinity);
        return (-step, directions[0] == StudyDirection.Minimize ? value : -value);
    }
}
