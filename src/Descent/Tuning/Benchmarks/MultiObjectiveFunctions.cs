namespace Descent.Tuning;

/// <summary>
/// Multi-objective test problems with known Pareto fronts (both objectives minimized): ZDT1–3 (Zitzler, Deb &amp; Thiele,
/// Evol. Comput. 8, 2000) over [0, 1]^n and DTLZ2 (Deb, Thiele, Laumanns &amp; Zitzler, CEC 2002) over [0, 1]^n, with
/// samples of their true fronts for <see cref="Indicators"/>. The definitions are DEAP's <c>benchmarks.zdt1</c>…
/// <c>dtlz2</c>, so both libraries are scored on the same problems.
/// </summary>
public static class MultiObjectiveFunctions
{
    /// <summary>ZDT1: f₁ = x₁, f₂ = g(1 − √(f₁/g)), g = 1 + 9 Σᵢ₌₂ xᵢ/(n − 1); convex front f₂ = 1 − √f₁ at g = 1.</summary>
    public static double[] Zdt1(IReadOnlyList<double> x)
    {
        double g = ZdtG(x), f1 = x[0];
        return [f1, g * (1 - Math.Sqrt(f1 / g))];
    }

    /// <summary>ZDT2: f₂ = g(1 − (f₁/g)²); concave front f₂ = 1 − f₁².</summary>
    public static double[] Zdt2(IReadOnlyList<double> x)
    {
        double g = ZdtG(x), f1 = x[0];
        return [f1, g * (1 - (f1 / g) * (f1 / g))];
    }

    /// <summary>ZDT3: f₂ = g(1 − √(f₁/g) − (f₁/g) sin 10πf₁); a front of five disconnected pieces.</summary>
    public static double[] Zdt3(IReadOnlyList<double> x)
    {
        double g = ZdtG(x), f1 = x[0];
        return [f1, g * (1 - Math.Sqrt(f1 / g) - f1 / g * Math.Sin(10 * Math.PI * f1))];
    }

    /// <summary>
    /// DTLZ2 with <paramref name="objectives"/> objectives: g = Σ_{i ≥ M} (xᵢ − ½)², fⱼ = (1 + g) Π cos(xᵢπ/2) … sin(x_{M−j}π/2);
    /// the front is the positive orthant of the unit sphere.
    /// </summary>
    public static double[] Dtlz2(IReadOnlyList<double> x, int objectives)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (objectives < 2 || x.Count < objectives)
            throw new ArgumentException($"DTLZ2 needs at least 2 objectives and as many variables, got {objectives} objectives and {x.Count} variables");
        double g = 0;
        for (int i = objectives - 1; i < x.Count; i++) g += (x[i] - 0.5) * (x[i] - 0.5);
        var f = new double[objectives];
        for (int j = 0; j < objectives; j++)
        {
            double v = 1 + g;
            for (int i = 0; i < objectives - 1 - j; i++) v *= Math.Cos(0.5 * Math.PI * x[i]);
            if (j > 0) v *= Math.Sin(0.5 * Math.PI * x[objectives - 1 - j]);
            f[j] = v;
        }
        return f;
    }

    /// <summary><paramref name="points"/> evenly spaced points of ZDT1's (1), ZDT2's (2) or ZDT3's (3) true front (ZDT3: its non-dominated pieces).</summary>
    public static IReadOnlyList<double[]> ZdtFront(int problem, int points = 1000)
    {
        if (problem is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(problem), problem, "ZDT1, ZDT2 or ZDT3");
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var front = new List<double[]>(points);
        for (int i = 0; i < points; i++)
        {
            double f1 = (double)i / (points - 1);
            double f2 = problem switch
            {
                1 => 1 - Math.Sqrt(f1),
                2 => 1 - f1 * f1,
                _ => 1 - Math.Sqrt(f1) - f1 * Math.Sin(10 * Math.PI * f1),
            };
            front.Add([f1, f2]);
        }
        return problem == 3 ? Indicators.NonDominated(front) : front;
    }

    /// <summary>Points of DTLZ2's front for three objectives: a grid of <paramref name="divisions"/> + 1 angles per direction on the unit sphere's positive orthant.</summary>
    public static IReadOnlyList<double[]> Dtlz2Front(int divisions = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(divisions, 1);
        var front = new List<double[]>();
        for (int a = 0; a <= divisions; a++)
            for (int b = 0; b <= divisions; b++)
            {
                double u = 0.5 * Math.PI * a / divisions, v = 0.5 * Math.PI * b / divisions;
                front.Add([Math.Cos(u) * Math.Cos(v), Math.Cos(u) * Math.Sin(v), Math.Sin(u)]);
            }
        return front;
    }

    private static double ZdtG(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count < 2) throw new ArgumentException($"ZDT problems need at least 2 variables, got {x.Count}", nameof(x));
        double s = 0;
        for (int i = 1; i < x.Count; i++) s += x[i];
        return 1 + 9 * s / (x.Count - 1);
    }
}
