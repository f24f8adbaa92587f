namespace Descent.Tuning;

/// <summary>
/// Quality indicators of a set of objective vectors (all objectives minimized): hypervolume (Zitzler &amp; Thiele 1998)
/// and inverted generational distance (Coello &amp; Reyes Sierra 2004), the measures DEAP's <c>tools.hypervolume</c> and
/// <c>tools.igd</c> (and pymoo's <c>HV</c>, <c>IGD</c>) report.
/// </summary>
public static class Indicators
{
    /// <summary>
    /// The volume dominated by <paramref name="points"/> and bounded by <paramref name="reference"/> (points that do not
    /// strictly dominate the reference add nothing). Exact: a sweep for two objectives, and for more, slicing along the
    /// last objective with the (m − 1)-dimensional volume of each slice (the HSO scheme of While et al. 2006).
    /// </summary>
    public static double Hypervolume(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(reference);
        int m = reference.Count;
        if (m < 1) throw new ArgumentException("the reference point has no objectives", nameof(reference));
        var inside = new List<double[]>(points.Count);
        foreach (var p in points)
        {
            if (p.Count != m) throw new ArgumentException($"a point has {p.Count} objectives, the reference {m}", nameof(points));
            bool dominates = true;
            for (int i = 0; i < m && dominates; i++) dominates = p[i] < reference[i];
            if (dominates) inside.Add([.. p]);
        }
        return Volume(inside, [.. reference]);
    }

    /// <summary>
    /// Inverted generational distance: the mean over <paramref name="referenceFront"/> of the Euclidean distance to the
    /// nearest point of <paramref name="points"/> (lower is better; 0 when every reference point is reached).
    /// </summary>
    public static double InvertedGenerationalDistance(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<IReadOnlyList<double>> referenceFront)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(referenceFront);
        if (points.Count == 0) throw new ArgumentException("no points to measure", nameof(points));
        if (referenceFront.Count == 0) throw new ArgumentException("the reference front is empty", nameof(referenceFront));
        double sum = 0;
        foreach (var r in referenceFront)
        {
            double nearest = double.PositiveInfinity;
            foreach (var p in points)
            {
                if (p.Count != r.Count) throw new ArgumentException($"a point has {p.Count} objectives, the reference front {r.Count}", nameof(points));
                double d = 0;
                for (int i = 0; i < r.Count; i++) d += (p[i] - r[i]) * (p[i] - r[i]);
                nearest = Math.Min(nearest, d);
            }
            sum += Math.Sqrt(nearest);
        }
        return sum / referenceFront.Count;
    }

    /// <summary>The points no other point dominates (minimization), in their order; duplicates all stay.</summary>
    public static List<double[]> NonDominated(IReadOnlyList<IReadOnlyList<double>> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var rows = points.Select(p => p.ToArray()).ToList();
        var ranks = ParetoFront.NonDominatedRanks(rows);
        return [.. rows.Where((_, i) => ranks[i] == 0)];
    }

    private static double Volume(List<double[]> points, double[] reference)
    {
        if (points.Count == 0) return 0;
        int m = reference.Length;
        if (m == 1) return reference[0] - points.Min(p => p[0]);
        if (m == 2)
        {
            // Sweep by the first objective: each point adds the strip between its second objective and the lowest so far.
            points.Sort((a, b) => a[0] != b[0] ? a[0].CompareTo(b[0]) : a[1].CompareTo(b[1]));
            double area = 0, ceiling = reference[1];
            foreach (var p in points)
            {
                if (p[1] >= ceiling) continue;
                area += (reference[0] - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
            return area;
        }
        // Slice along the last objective: between consecutive values, the points at or below the slice form an
        // (m − 1)-dimensional set whose volume times the slice's depth is the slice's contribution.
        points.Sort((a, b) => a[m - 1].CompareTo(b[m - 1]));
        var lower = reference[..^1];
        double volume = 0;
        var active = new List<double[]>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            active.Add(points[i][..^1]);
            double next = i + 1 < points.Count ? points[i + 1][m - 1] : reference[m - 1];
            double depth = next - points[i][m - 1];
            if (depth > 0) volume += depth * Volume(NonDominated(active), lower);
        }
        return volume;
    }
}
